using System.Buffers;
using System.Collections.Concurrent;

namespace Piazza.Bench.Micro;

/// <summary>
/// 4 KiB blocks that are kept and reused, as Kestrel's transport pool keeps them for every real connection. The
/// default pipe pool (<see cref="MemoryPool{T}.Shared"/>) rents from <see cref="ArrayPool{T}.Shared"/>, whose small
/// per-core caches overflow with a thousand busy pipes: the benchmark would then count the harness's 4 KiB arrays
/// as the server's allocations.
/// </summary>
internal sealed class BlockPool : MemoryPool<byte>
{
    private const int BlockBytes = 4096;
    private readonly ConcurrentQueue<Block> _free = new();

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        return _free.TryDequeue(out var block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private sealed class Block(BlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _bytes = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);

        public Memory<byte> Memory => _bytes;

        public void Dispose() => pool._free.Enqueue(this);
    }
}
