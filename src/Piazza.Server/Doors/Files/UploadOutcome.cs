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

    /// <summary>For <c>rate_limited</c>: when to try again (the Retry-After header).</summary>
    public double? RetryAfterSeconds { get; init; }
}
