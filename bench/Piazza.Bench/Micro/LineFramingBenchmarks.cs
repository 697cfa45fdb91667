using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Piazza.Protocol;

namespace Piazza.Bench.Micro;

/// <summary>
/// <see cref="LineFramer"/> splitting a read buffer of typical client lines (a <c>send</c> frame of 64 characters of
/// text), in one contiguous segment or in 4 KiB segments as a socket read delivers them. Reported per line.
/// </summary>
[MemoryDiagnoser]
public class LineFramingBenchmarks
{
    private const int Lines = 1000;

    private ReadOnlySequence<byte> _buffer;

    /// <summary>Bytes per buffer segment; 0 means one contiguous segment.</summary>
    [Params(0, 4096)]
    public int SegmentBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            text.Append("{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"").Append('x', 64).Append("\",\"id\":\"c").Append(i).Append("\"}\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        _buffer = SegmentBytes == 0 ? new ReadOnlySequence<byte>(bytes) : BufferSegment.Split(bytes, SegmentBytes);
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public long FrameLines()
    {
        var framer = new LineFramer(ProtocolConstants.DefaultMaxLineBytes);
        var buffer = _buffer;
        long bytes = 0;
        while (framer.TryReadLine(ref buffer, out var line) == LineStatus.Line)
        {
            bytes += line.Length;
        }

        return bytes;
    }
}

/// <summary>A piece of a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands out buffers.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    private BufferSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Cuts <paramref name="bytes"/> into segments of <paramref name="segmentBytes"/> (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentBytes)
    {
        var first = new BufferSegment(bytes.AsMemory(0, Math.Min(segmentBytes, bytes.Length)), 0);
        var last = first;
        for (var start = segmentBytes; start < bytes.Length; start += segmentBytes)
        {
            var next = new BufferSegment(bytes.AsMemory(start, Math.Min(segmentBytes, bytes.Length - start)), start);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
