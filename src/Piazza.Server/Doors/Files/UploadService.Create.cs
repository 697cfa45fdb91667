using System.Security.Cryptography;
using Piazza.Core;
using Piazza.Core.Observability;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Files;

/// <summary>Creating an upload (tus POST): the limits checked from the headers alone, then the record and its partial file.</summary>
public sealed partial class UploadService
{
    /// <summary>Creates an upload after checking size, quota and the number of unfinished uploads.</summary>
    public async Task<UploadOutcome> CreateAsync(string owner, long length, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (length > options.MaxFileBytes)
        {
            return UploadOutcome.Failed(ErrorCode.TooLarge, $"files are at most {options.MaxFileBytes} bytes");
        }

        // Optional, as stock tus clients send none: without it the hash is computed as the bytes arrive.
        var declaredHash = metadata.GetValueOrDefault("sha256");
        if (declaredHash is not null && !TusHeaders.IsSha256Hex(declaredHash))
        {
            return UploadOutcome.Failed(ErrorCode.BadRequest, "the Upload-Metadata 'sha256', when given, must be the hex SHA-256 of the whole file");
        }

        if (_creations.TryTake(owner) is { } wait)
        {
            Log.UploadsRateLimited(logger, owner);
            HubMetrics.RateLimited(RateLimitKind.Uploads);
            var seconds = Math.Max(1, Math.Ceiling(wait.TotalSeconds));
            return UploadOutcome.Failed(ErrorCode.RateLimited, $"at most {options.UploadsPerMinute} uploads a minute; try again in {seconds:0} s") with { RetryAfterSeconds = seconds };
        }

        var sha256 = declaredHash?.ToLowerInvariant() ?? UndeclaredSha256;
        var name = FileNamePolicy.Sanitize(metadata.GetValueOrDefault("filename"));
        var declaredType = metadata.GetValueOrDefault("filetype");

        // One creation per user at a time on every node, so two parallel POSTs cannot both pass the quota and the cap.
        PruneStates();
        UploadRecord upload;
        using (await blobs.LockOwnerAsync(owner, cancellationToken).ConfigureAwait(false))
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

        Log.UploadCreated(logger, upload.Id, owner, length, name);
        if (length > 0)
        {
            return new UploadOutcome(201) { UploadId = upload.Id, Offset = 0, ExpiresAt = ExpiryOf(upload) };
        }

        // Nothing will be PATCHed (tus clients skip it for empty files): complete at once.
        upload = upload with { Sha256 = sha256 == UndeclaredSha256 ? EmptySha256 : sha256 };
        if (upload.Sha256 != EmptySha256)
        {
            await DiscardAsync(upload.Id, cancellationToken).ConfigureAwait(false);
            return UploadOutcome.Failed(ErrorCode.HashMismatch, "the file's SHA-256 differs from the declared 'sha256'; nothing was kept");
        }

        var fileId = await CommitAsync(upload, cancellationToken).ConfigureAwait(false);
        return new UploadOutcome(201) { UploadId = upload.Id, Offset = 0, FileId = fileId };
    }
}
