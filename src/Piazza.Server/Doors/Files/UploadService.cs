using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Observability;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Observability;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The server side of tus uploads: creation with limits checked from the headers alone, appending bytes at the
/// durable offset (synced at the end of every request, also a broken one), per-request checksums, and completion:
/// the whole file verified against its declared SHA-256, then committed to the <see cref="BlobStore"/> and recorded.
/// One request at a time writes an upload, on any node sharing the files folder (its lock file); on this node a newer
/// request interrupts an older (a client resuming after a lost connection), another node's answers <c>upload_busy</c>.
/// Upload records live in the <see cref="IFileStore"/> (PostgreSQL in a cluster), so any node continues any upload.
/// </summary>
public sealed partial class UploadService(IFileStore store, BlobStore blobs, FilesOptions options, TimeProvider time, ILogger<UploadService> logger) : IDisposable
{
    /// <summary>SHA-256 of zero bytes: an empty upload is complete (and verified) at creation.</summary>
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// What an upload's record holds when the client declared no <c>sha256</c> (the column is NOT NULL): the hash is
    /// the one computed from the bytes when the upload completes, and only then written (on the file's record).
    /// </summary>
    private const string UndeclaredSha256 = "";

    private readonly ConcurrentDictionary<string, UploadState> _states = new(StringComparer.Ordinal);

    private readonly UploadCreationRate _creations = new(options.UploadsPerMinute);

    public long MaxFileBytes => options.MaxFileBytes;

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

    /// <summary>
    /// The offset HEAD reports: the bytes on disk in the shared folder (every acknowledged PATCH synced them, on
    /// whichever node), or the whole length once completed; null when the upload was discarded meanwhile.
    /// </summary>
    public async Task<long?> OffsetOfAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.FileId is not null)
        {
            return upload.Length;
        }

        if (blobs.PartialLength(upload.Id) is { } length)
        {
            return length;
        }

        // Completed (moved into place) or discarded since the record was read, here or on another node.
        var current = await store.FindUploadAsync(upload.Id, cancellationToken).ConfigureAwait(false);
        return current is null ? null : current.FileId is not null ? current.Length : 0;
    }

    /// <summary>
    /// Appends a request body at <paramref name="offset"/>. <paramref name="contentLength"/> (when known) is checked
    /// before reading; <paramref name="requestDigest"/> is the request's <c>Upload-Checksum</c>, if any.
    /// </summary>
    public async Task<UploadOutcome> AppendAsync(UploadRecord upload, long offset, long? contentLength, UploadChecksum? checksum, PipeReader body, CancellationToken requestAborted)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.FileId is not null)
        {
            return CompletedAnswer(upload, offset, contentLength);
        }

        if (contentLength is { } declared && offset + declared > upload.Length)
        {
            return UploadOutcome.Failed(ErrorCode.TooLarge, "the request is longer than what is left of the upload");
        }

        var state = _states.GetOrAdd(upload.Id, _ => new UploadState(upload.CreatedAt));
        using var interrupt = new CancellationTokenSource();
        Interlocked.Exchange(ref state.Interrupt, interrupt)?.Cancel(); // a newer request wins over a stalled one
        await state.Gate.WaitAsync(requestAborted).ConfigureAwait(false);
        try
        {
            // Then the lock every node sees: a request on another node still writing this upload makes this one wait its turn.
            if (blobs.TryLockUpload(upload.Id) is not { } held)
            {
                Log.UploadBusy(logger, upload.Id);
                return UploadOutcome.Failed(ErrorCode.UploadBusy, "another request (on another server) is writing this upload; HEAD, then try again");
            }

            var finished = false;
            try
            {
                // Completed or discarded while this request waited, here or on another node?
                // (Then the lock file this request may have created anew goes too.)
                var current = await store.FindUploadAsync(upload.Id, requestAborted).ConfigureAwait(false);
                finished = current is not { FileId: null };
                if (current is null)
                {
                    return UploadOutcome.Failed(ErrorCode.NotFound, "no such upload");
                }

                if (current.FileId is not null)
                {
                    _states.TryRemove(new KeyValuePair<string, UploadState>(upload.Id, state));
                    return CompletedAnswer(current, offset, contentLength);
                }

                using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, interrupt.Token);
                (var outcome, finished) = await AppendLockedAsync(current, state, offset, checksum, body, linked.Token).ConfigureAwait(false);
                return outcome;
            }
            finally
            {
                blobs.UnlockUpload(upload.Id, held, finished);
            }
        }
        finally
        {
            Interlocked.CompareExchange(ref state.Interrupt, null, interrupt);
            state.Gate.Release();
        }
    }

    /// <summary>Appends under both locks; <c>Finished</c> tells that the upload is gone from the unfinished ones (stored or discarded).</summary>
    private async Task<(UploadOutcome Outcome, bool Finished)> AppendLockedAsync(UploadRecord upload, UploadState state, long offset, UploadChecksum? checksum, PipeReader body, CancellationToken cancellationToken)
    {
        long end;
        await using (var file = blobs.OpenPartial(upload.Id))
        {
            var stored = file.Length;
            if (offset != stored)
            {
                return (UploadOutcome.Failed(ErrorCode.OffsetMismatch, $"the upload is at offset {stored}, not {offset}") with { Offset = stored }, false);
            }

            await state.HashUpToAsync(file, offset, cancellationToken).ConfigureAwait(false);
            var (written, failure, ioProblem) = await PartialWriter.AppendAsync(file, state, offset, upload.Length - offset, checksum, body, cancellationToken).ConfigureAwait(false);
            ServerMetrics.UploadReceived(written);
            if (ioProblem is not null)
            {
                Log.UploadIoFailed(logger, upload.Id, ioProblem);
            }
            else if (failure?.Error == ErrorCode.Interrupted)
            {
                Log.UploadInterrupted(logger, upload.Id, failure.Offset ?? offset);
            }

            if (failure is not null)
            {
                return (failure, false);
            }

            end = offset + written;
        }

        if (end < upload.Length)
        {
            return (new UploadOutcome(204) { Offset = end, ExpiresAt = ExpiryOf(upload) }, false);
        }

        var digest = Convert.ToHexStringLower(state.Hash!.GetHashAndReset());
        _states.TryRemove(upload.Id, out _);
        state.Reset();
        if (upload.Sha256 == UndeclaredSha256)
        {
            // Nothing to check against: the hash of what arrived is the file's, stored like a declared one.
            upload = upload with { Sha256 = digest };
        }
        else if (digest != upload.Sha256)
        {
            await DiscardAsync(upload.Id, CancellationToken.None).ConfigureAwait(false);
            Log.UploadHashMismatch(logger, upload.Id, upload.Sha256, digest);
            ServerMetrics.UploadEnded(ErrorCode.HashMismatch);
            return (UploadOutcome.Failed(ErrorCode.HashMismatch, "the file's SHA-256 differs from the declared 'sha256'; nothing was kept"), true);
        }

        try
        {
            var fileId = await CommitAsync(upload, CancellationToken.None).ConfigureAwait(false);
            ServerMetrics.UploadEnded(null);
            return (new UploadOutcome(204) { Offset = end, FileId = fileId }, true);
        }
        catch (IOException ex)
        {
            Log.UploadIoFailed(logger, upload.Id, ex.Message);
            await DiscardAsync(upload.Id, CancellationToken.None).ConfigureAwait(false);
            var code = PartialWriter.IsDiskFull(ex) ? ErrorCode.StorageFull : ErrorCode.StorageError;
            ServerMetrics.UploadEnded(code);
            return (UploadOutcome.Failed(code, "the file could not be stored; upload it again"), true);
        }
    }

    /// <summary>
    /// Terminates an unfinished upload: its bytes and record are removed (a running PATCH on this node is interrupted;
    /// one on another node makes this answer <c>upload_busy</c>).
    /// </summary>
    public async Task<UploadOutcome> TerminateAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.FileId is not null)
        {
            await store.DeleteUploadAsync(upload.Id, cancellationToken).ConfigureAwait(false);
            return new UploadOutcome(204);
        }

        var state = _states.GetOrAdd(upload.Id, _ => new UploadState(upload.CreatedAt));
        Volatile.Read(ref state.Interrupt)?.Cancel();
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (blobs.TryLockUpload(upload.Id) is not { } held)
            {
                Log.UploadBusy(logger, upload.Id);
                return UploadOutcome.Failed(ErrorCode.UploadBusy, "another request (on another server) is writing this upload; try again");
            }

            var discarded = false;
            try
            {
                _states.TryRemove(upload.Id, out _);
                state.Reset();
                await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
                discarded = true;
                ServerMetrics.UploadTerminated();
            }
            finally
            {
                blobs.UnlockUpload(upload.Id, held, discarded);
            }

            return new UploadOutcome(204);
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

    private async Task<string> CommitAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        var file = new FileRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), upload.Owner, upload.Name, upload.Length, MimeTypes.Of(upload.Name, upload.DeclaredType), upload.Sha256, time.GetUtcNow());
        await blobs.CommitAsync(upload.Id, upload.Sha256, () => store.CompleteUploadAsync(upload.Id, file, cancellationToken), cancellationToken).ConfigureAwait(false);
        Log.FileStored(logger, file.Id, upload.Id, file.Size, file.Sha256);
        return file.Id;
    }

    private async Task DiscardAsync(string uploadId, CancellationToken cancellationToken)
    {
        blobs.DeletePartial(uploadId);
        await store.DeleteUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Discards the expired uploads nobody is writing (on any node) and answers the others.</summary>
    private async Task<List<UploadRecord>> ExpireAsync(IReadOnlyList<UploadRecord> uploads, CancellationToken cancellationToken)
    {
        var live = new List<UploadRecord>(uploads.Count);
        foreach (var upload in uploads)
        {
            if (!IsExpired(upload) || blobs.TryLockUpload(upload.Id) is not { } held)
            {
                live.Add(upload);
                continue;
            }

            var discarded = false;
            try
            {
                if (_states.TryRemove(upload.Id, out var state))
                {
                    state.Reset();
                }

                await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
                discarded = true;
                ServerMetrics.UploadExpired();
            }
            finally
            {
                blobs.UnlockUpload(upload.Id, held, discarded);
            }
        }

        return live;
    }

    /// <summary>Forgets this node's state of uploads that have expired (finished on another node, or abandoned) and that no request holds.</summary>
    private void PruneStates()
    {
        foreach (var (id, state) in _states)
        {
            if (time.GetUtcNow() - state.CreatedAt > options.UploadExpiry && state.Gate.Wait(0))
            {
                _states.TryRemove(new KeyValuePair<string, UploadState>(id, state));
                state.Gate.Release();
            }
        }
    }

    /// <summary>What a PATCH to a completed upload gets: success for an empty request at its end (a retried last PATCH), else a conflict.</summary>
    private static UploadOutcome CompletedAnswer(UploadRecord upload, long offset, long? contentLength)
        => offset == upload.Length && contentLength is null or 0
            ? new UploadOutcome(204) { Offset = upload.Length, FileId = upload.FileId }
            : UploadOutcome.Failed(ErrorCode.OffsetMismatch, "this upload is complete") with { Offset = upload.Length };

    private bool IsExpired(UploadRecord upload) => time.GetUtcNow() - upload.CreatedAt > options.UploadExpiry;

    /// <summary>
    /// When an unfinished upload expires (<c>Upload-Expires</c>): its creation plus <c>--upload-expiry</c>, the very
    /// rule <see cref="FindAsync"/> and the sweep apply; a completed upload never expires (null).
    /// </summary>
    public DateTimeOffset? ExpiryOf(UploadRecord upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return upload.FileId is null ? upload.CreatedAt + options.UploadExpiry : null;
    }
}
