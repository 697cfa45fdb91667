using System.IO.Pipelines;
using System.Security.Cryptography;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// Writes one PATCH body onto a partial file at its stored end, keeping only whole, verified bytes, and syncs the file
/// to disk before the answer (also for a broken request), so the offset HEAD gives on any node is what was acknowledged.
/// </summary>
internal static class PartialWriter
{
    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="offset"/> (at most <paramref name="remaining"/> bytes) and
    /// answers the bytes written and kept, or the failure (with the offset it leaves) and, for an I/O error, its text.
    /// </summary>
    public static async Task<(long Written, UploadOutcome? Failure, string? IoProblem)> AppendAsync(
        FileStream file, UploadState state, long offset, long remaining, UploadChecksum? checksum, PipeReader body, CancellationToken cancellationToken)
    {
        using var requestHash = checksum is null ? null : IncrementalHash.CreateHash(checksum.Algorithm);
        long written = 0;
        var broken = false;
        var tooLong = false;
        file.Position = offset;
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsBrokenRequest(ex))
                {
                    broken = true;
                    break;
                }

                foreach (var segment in read.Buffer)
                {
                    if (segment.Length > remaining - written)
                    {
                        tooLong = true;
                        break;
                    }

                    await file.WriteAsync(segment, CancellationToken.None).ConfigureAwait(false);
                    state.Hash!.AppendData(segment.Span);
                    requestHash?.AppendData(segment.Span);
                    written += segment.Length;
                }

                body.AdvanceTo(read.Buffer.End);
                if (tooLong || read.IsCompleted)
                {
                    break;
                }
            }

            // What is kept must be whole: a cut request with a checksum cannot be verified, a too long one is refused.
            var keep = (broken && checksum is not null) || tooLong ? 0 : written;
            var mismatch = !broken && !tooLong && requestHash is not null && !CryptographicOperations.FixedTimeEquals(requestHash.GetHashAndReset(), checksum!.Digest);
            if (mismatch)
            {
                keep = 0;
            }

            if (keep != written)
            {
                file.SetLength(offset + keep);
                state.Reset();
            }

            state.HashedLength = state.Hash is null ? -1 : offset + keep;
            file.Flush(flushToDisk: true);
            if (tooLong)
            {
                return (0, UploadOutcome.Failed(ErrorCode.TooLarge, "the request is longer than what is left of the upload") with { Offset = offset }, null);
            }

            if (mismatch)
            {
                return (0, UploadOutcome.Failed(ErrorCode.ChecksumMismatch, "the Upload-Checksum does not match the request's bytes; they were discarded") with { Offset = offset }, null);
            }

            if (broken)
            {
                return (keep, UploadOutcome.Failed(ErrorCode.Interrupted, "the request body ended early") with { Offset = offset + keep }, null);
            }

            return (written, null, null);
        }
        catch (IOException ex)
        {
            // Never leave bytes that were not fully written: back to the last good offset.
            state.Reset();
            TryTruncate(file, offset);
            var failure = IsDiskFull(ex)
                ? UploadOutcome.Failed(ErrorCode.StorageFull, "the server's disk is full; try again later")
                : UploadOutcome.Failed(ErrorCode.StorageError, "the upload could not be written; try again");
            return (0, failure with { Offset = offset }, ex.Message);
        }
    }

    /// <summary>ENOSPC (28) on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 112 or 39;

    private static bool IsBrokenRequest(Exception ex) => ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException
        or Microsoft.AspNetCore.Connections.ConnectionResetException;

    private static void TryTruncate(FileStream file, long length)
    {
        try
        {
            file.SetLength(length);
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // the next request re-reads the length from disk and continues from there
        }
    }
}
