using System.Security.Cryptography;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Doors.Files;

/// <summary>What a tus request ends in: a status (or an error code and its status), and the headers that go with it.</summary>
public sealed record UploadOutcome(int Status, ErrorCode? Error = null, string? Message = null)
{
    public static UploadOutcome Failed(ErrorCode error, string message) => new(HttpErrors.StatusOf(error), error, message);

    public long? Offset { get; init; }
    public long? Length { get; init; }
    public string? UploadId { get; init; }
    public string? FileId { get; init; }

    /// <summary>When the unfinished upload expires (the <c>Upload-Expires</c> header of the expiration extension).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For <c>rate_limited</c>: when to try again (the Retry-After header).</summary>
    public double? RetryAfterSeconds { get; init; }
}

/// <summary>A PATCH's <c>Upload-Checksum</c>: the algorithm and the digest its body must have.</summary>
public sealed record UploadChecksum(HashAlgorithmName Algorithm, byte[] Digest);
