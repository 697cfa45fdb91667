using System.Security.Cryptography;

namespace Piazza.Server.Doors.Files;

/// <summary>In-memory state of an upload being written: the one-writer gate and the running whole-file hash.</summary>
internal sealed class UploadState
{
    public readonly SemaphoreSlim Gate = new(1, 1);
    public CancellationTokenSource? Interrupt;
    public IncrementalHash? Hash;
    public long HashedLength = -1;

    /// <summary>Makes <see cref="Hash"/> cover exactly the first <paramref name="offset"/> bytes (after a restart, re-reading them).</summary>
    public async Task HashUpToAsync(string path, long offset, CancellationToken cancellationToken)
    {
        if (Hash is not null && HashedLength == offset)
        {
            return;
        }

        Reset();
        Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
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
