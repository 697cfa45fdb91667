using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The server side of tus uploads: creation with limits checked from the headers alone, appending bytes at the
/// durable offset (synced at the end of every request, also a broken one), per-request checksums, and completion:
/// the whole file verified against its declared SHA-256, then committed to the <see cref="BlobStore"/> and recorded.
/// One request at a time writes an upload; a newer one interrupts an older (a client resuming after a lost connection).
/// </summary>
public sealed partial class UploadService(IFileStore store, BlobStore blobs, FilesOptions options, TimeProvider time, ILogger<UploadService> logger) : IDisposable
{
    /// <summary>SHA-256 of zero bytes: an empty upload is complete (and verified) at creation.</summary>
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly ConcurrentDictionary<string, UploadState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _ownerGates = new(StringComparer.Ordinal);

    private readonly UploadCreationRate _creations = new(options.UploadsPerMinute);

    public long MaxFileBytes => options.MaxFileBytes;

    /// <summary>Creates an upload after checking size, quota and the number of unfinished uploads.</summary>
    public async Task<UploadOutcome> CreateAsync(string owner, long length, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (length > options.MaxFileBytes)
        {
            return UploadOutcome.Failed(ErrorCode.TooLarge, $"files are at most {options.MaxFileBytes} bytes");
        }

        if (!metadata.TryGetValue("sha256", out var declaredHash) || !TusHeaders.IsSha256Hex(declaredHash))
        {
            return UploadOutcome.Failed(ErrorCode.BadRequest, "Upload-Metadata must carry 'sha256': the hex SHA-256 of the whole file");
        }

        if (_creations.TryTake(owner) is { } wait)
        {
            Log.UploadsRateLimited(logger, owner);
            var seconds = Math.Max(1, Math.Ceiling(wait.TotalSeconds));
            return UploadOutcome.Failed(ErrorCode.RateLimited, $"at most {options.UploadsPerMinute} uploads a minute; try again in {seconds:0} s") with { RetryAfterSeconds = seconds };
        }

        var sha256 = declaredHash.ToLowerInvariant();
        var name = FileNamePolicy.Sanitize(metadata.GetValueOrDefault("filename"));
        var declaredType = metadata.GetValueOrDefault("filetype");

        // One creation per user at a time, so two parallel POSTs cannot both pass the quota and the cap.
        var gate = _ownerGates.GetOrAdd(owner, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        UploadRecord upload;
        try
        {
            var unfinished = await ExpireAsync(await store.UnfinishedUploadsAsync(owner, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (unfinished.Count >= options.MaxConcurrentUploads)
            {
                return UploadOutcome.Failed(ErrorCode.TooManyUploads, $"at most {options.MaxConcurrentUploads} unfinished uploads at once; finish or cancel one");
            }

            var used = await store.StoredBytesOfAsync(owner, cancellationToken).ConfigureAwait(false) + unfinished.Sum(u => u.Length);
            if (used + length > options.UserQuotaBytes)
            {
                return UploadOutcome.Failed(ErrorCode.QuotaExceeded, $"this would exceed your storage quota of {options.UserQuotaBytes} bytes ({used} used)");
            }

            upload = new UploadRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), owner, length, name, declaredType, sha256, time.GetUtcNow());
            await store.CreateUploadAsync(upload, cancellationToken).ConfigureAwait(false);
            blobs.CreatePartial(upload.Id);
        }
        finally
        {
            gate.Release();
        }

        Log.UploadCreated(logger, upload.Id, owner, length, name);
        if (length > 0)
        {
            return new UploadOutcome(201) { UploadId = upload.Id, Offset = 0 };
        }

        // Nothing will be PATCHed (tus clients skip it for empty files): complete at once.
        if (sha256 != EmptySha256)
        {
            await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
            return UploadOutcome.Failed(ErrorCode.HashMismatch, "the file's SHA-256 differs from the declared 'sha256'; nothing was kept");
        }

        var fileId = await CommitAsync(upload, cancellationToken).ConfigureAwait(false);
        return new UploadOutcome(201) { UploadId = upload.Id, Offset = 0, FileId = fileId };
    }

    public void Dispose() => _creations.Dispose();

    /// <summary>The upload if it exists, has not expired and belongs to <paramref name="owner"/>; otherwise null.</summary>
    public async Task<UploadRecord?> FindAsync(string owner, string uploadId, CancellationToken cancellationToken)
    {
        if (!BlobStore.IsUploadId(uploadId))
        {
            return null;
        }

        var upload = await store.FindUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
        return upload is null || upload.Owner != owner || (upload.FileId is null && IsExpired(upload)) ? null : upload;
    }

    /// <summary>The offset HEAD reports: the bytes on disk, or the whole length once completed.</summary>
    public long OffsetOf(UploadRecord upload) => upload.FileId is not null ? upload.Length : blobs.PartialLength(upload.Id);

    /// <summary>
    /// Appends a request body at <paramref name="offset"/>. <paramref name="contentLength"/> (when known) is checked
    /// before reading; <paramref name="requestDigest"/> is the request's <c>Upload-Checksum</c>, if any.
    /// </summary>
    public async Task<UploadOutcome> AppendAsync(UploadRecord upload, long offset, long? contentLength, byte[]? requestDigest, PipeReader body, CancellationToken requestAborted)
    {
        if (upload.FileId is not null)
        {
            return offset == upload.Length && contentLength is null or 0
                ? new UploadOutcome(204) { Offset = upload.Length, FileId = upload.FileId }
                : UploadOutcome.Failed(ErrorCode.OffsetMismatch, "this upload is complete") with { Offset = upload.Length };
        }

        if (contentLength is { } declared && offset + declared > upload.Length)
        {
            return UploadOutcome.Failed(ErrorCode.TooLarge, "the request is longer than what is left of the upload");
        }

        var state = _states.GetOrAdd(upload.Id, _ => new UploadState());
        using var interrupt = new CancellationTokenSource();
        Interlocked.Exchange(ref state.Interrupt, interrupt)?.Cancel(); // a newer request wins over a stalled one
        await state.Gate.WaitAsync(requestAborted).ConfigureAwait(false);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, interrupt.Token);
            return await AppendLockedAsync(upload, state, offset, requestDigest, body, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.CompareExchange(ref state.Interrupt, null, interrupt);
            state.Gate.Release();
        }
    }

    private async Task<UploadOutcome> AppendLockedAsync(UploadRecord upload, UploadState state, long offset, byte[]? requestDigest, PipeReader body, CancellationToken cancellationToken)
    {
        // A completing request may have finished while this one waited.
        if (!_states.TryGetValue(upload.Id, out var current) || current != state)
        {
            return UploadOutcome.Failed(ErrorCode.NotFound, "no such upload");
        }

        var path = blobs.PartialPath(upload.Id);
        var stored = blobs.PartialLength(upload.Id);
        if (offset != stored)
        {
            return UploadOutcome.Failed(ErrorCode.OffsetMismatch, $"the upload is at offset {stored}, not {offset}") with { Offset = stored };
        }

        await state.HashUpToAsync(path, offset, cancellationToken).ConfigureAwait(false);
        using var requestHash = requestDigest is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var remaining = upload.Length - offset;
        long written = 0;
        var broken = false;
        var tooLong = false;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, 0, FileOptions.Asynchronous))
        {
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
                var keep = (broken && requestDigest is not null) || tooLong ? 0 : written;
                var mismatch = !broken && !tooLong && requestHash is not null && !CryptographicOperations.FixedTimeEquals(requestHash.GetHashAndReset(), requestDigest);
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
                    return UploadOutcome.Failed(ErrorCode.TooLarge, "the request is longer than what is left of the upload") with { Offset = offset };
                }

                if (mismatch)
                {
                    return UploadOutcome.Failed(ErrorCode.ChecksumMismatch, "the Upload-Checksum does not match the request's bytes; they were discarded") with { Offset = offset };
                }

                if (broken)
                {
                    Log.UploadInterrupted(logger, upload.Id, offset + keep);
                    return UploadOutcome.Failed(ErrorCode.Interrupted, "the request body ended early") with { Offset = offset + keep };
                }
            }
            catch (IOException ex)
            {
                // Never leave bytes that were not fully written: back to the last good offset.
                state.Reset();
                TryTruncate(file, offset);
                Log.UploadIoFailed(logger, upload.Id, ex.Message);
                return IsDiskFull(ex)
                    ? UploadOutcome.Failed(ErrorCode.StorageFull, "the server's disk is full; try again later") with { Offset = offset }
                    : UploadOutcome.Failed(ErrorCode.StorageError, "the upload could not be written; try again") with { Offset = offset };
            }
        }

        var end = offset + written;
        if (end < upload.Length)
        {
            return new UploadOutcome(204) { Offset = end };
        }

        var digest = Convert.ToHexStringLower(state.Hash!.GetHashAndReset());
        _states.TryRemove(upload.Id, out _);
        state.Reset();
        if (digest != upload.Sha256)
        {
            await DiscardAsync(upload.Id, CancellationToken.None).ConfigureAwait(false);
            Log.UploadHashMismatch(logger, upload.Id, upload.Sha256, digest);
            return UploadOutcome.Failed(ErrorCode.HashMismatch, "the file's SHA-256 differs from the declared 'sha256'; nothing was kept");
        }

        try
        {
            var fileId = await CommitAsync(upload, CancellationToken.None).ConfigureAwait(false);
            return new UploadOutcome(204) { Offset = end, FileId = fileId };
        }
        catch (IOException ex)
        {
            Log.UploadIoFailed(logger, upload.Id, ex.Message);
            await DiscardAsync(upload.Id, CancellationToken.None).ConfigureAwait(false);
            return UploadOutcome.Failed(IsDiskFull(ex) ? ErrorCode.StorageFull : ErrorCode.StorageError, "the file could not be stored; upload it again");
        }
    }

    /// <summary>Terminates an unfinished upload: its bytes and record are removed (a running PATCH is interrupted).</summary>
    public async Task TerminateAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        if (upload.FileId is not null)
        {
            await store.DeleteUploadAsync(upload.Id, cancellationToken).ConfigureAwait(false);
            return;
        }

        var state = _states.GetOrAdd(upload.Id, _ => new UploadState());
        Volatile.Read(ref state.Interrupt)?.Cancel();
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _states.TryRemove(upload.Id, out _);
            state.Reset();
            await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Deletes a stored file's record, and its blob when no other file has the same content.</summary>
    public async Task DeleteFileAsync(FileRecord file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var remaining = await blobs.ReleaseAsync(file.Sha256, () => store.DeleteFileAsync(file.Id, cancellationToken), cancellationToken).ConfigureAwait(false);
        Log.FileDeleted(logger, file.Id, remaining == 0);
    }

    /// <summary>At start-up: drops expired uploads, partial files without an upload, and blobs no file references.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var live = (await ExpireAsync(await store.UnfinishedUploadsAsync(null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))
            .Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in blobs.PartialIds().Where(id => !live.Contains(id)).ToList())
        {
            blobs.DeletePartial(id);
        }

        foreach (var sha256 in blobs.BlobHashes().ToList())
        {
            await blobs.RemoveIfUnreferencedAsync(sha256, () => store.IsContentReferencedAsync(sha256, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The MIME type a file is served with: by its extension, else a well-formed declared type, else binary.</summary>
    public static string MimeTypeOf(string name, string? declaredType)
    {
        if (ContentTypes.TryGetContentType(name, out var byExtension))
        {
            return byExtension;
        }

        return declaredType is { Length: > 2 and <= 100 } && declaredType.Count(c => c == '/') == 1 && declaredType.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_')
            ? declaredType.ToLowerInvariant()
            : "application/octet-stream";
    }

    private async Task<string> CommitAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        var file = new FileRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), upload.Owner, upload.Name, upload.Length, MimeTypeOf(upload.Name, upload.DeclaredType), upload.Sha256, time.GetUtcNow());
        await blobs.CommitAsync(upload.Id, upload.Sha256, () => store.CompleteUploadAsync(upload.Id, file, cancellationToken), cancellationToken).ConfigureAwait(false);
        Log.FileStored(logger, file.Id, upload.Id, file.Size, file.Sha256);
        return file.Id;
    }

    private async Task DiscardAsync(string uploadId, CancellationToken cancellationToken)
    {
        blobs.DeletePartial(uploadId);
        await store.DeleteUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<UploadRecord>> ExpireAsync(IReadOnlyList<UploadRecord> uploads, CancellationToken cancellationToken)
    {
        var live = new List<UploadRecord>(uploads.Count);
        foreach (var upload in uploads)
        {
            if (IsExpired(upload) && !_states.ContainsKey(upload.Id))
            {
                await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                live.Add(upload);
            }
        }

        return live;
    }

    private bool IsExpired(UploadRecord upload) => time.GetUtcNow() - upload.CreatedAt > options.UploadExpiry;

    private static bool IsBrokenRequest(Exception ex) => ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException
        or Microsoft.AspNetCore.Connections.ConnectionResetException;

    /// <summary>ENOSPC (28) on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 112 or 39;

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
