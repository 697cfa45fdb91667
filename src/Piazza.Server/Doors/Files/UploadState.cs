using System.Security.Cryptography;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// This node's state of an upload it writes: the in-process gate (so a newer request can interrupt an older one) and
/// the running whole-file hash. A partial file only ever grows from its stored end (bytes below it never change), so a
/// hash of its first bytes stays right even when another node appended meanwhile; it is rebuilt from disk when its
/// length is not the offset. The lock between nodes is the upload's lock file (<see cref="BlobStore.TryLockUpload"/>).
/// </summary>
internal sealed class UploadState(DateTimeOffset createdAt)
{
    public readonly SemaphoreSlim Gate = new(1, 1);
    public CancellationTokenSource? Interrupt;
    public IncrementalHash? Hash;
    public long HashedLength = -1;

    /// <summary>The upload's creation time: once it has expired, this state can go (<see cref="UploadService"/> prunes it).</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Makes <see cref="Hash"/> cover exactly the first <paramref name="offset"/> bytes of <paramref name="file"/> (after a restart or another node's writes, re-reading them).</summary>
    public async Task HashUpToAsync(FileStream file, long offset, CancellationToken cancellationToken)
    {
        if (Hash is not null && HashedLength == offset)
        {
            return;
        }

        Reset();
        Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        file.Position = 0;
        var left = offset;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the partial file is shorter than its offset");
            }

            Hash.AppendData(buffer, 0, read);
            left -= read;
        }

        HashedLength = offset;
    }

    public void Reset()
    {
        Hash?.Dispose();
        Hash = null;
        HashedLength = -1;
    }
}
