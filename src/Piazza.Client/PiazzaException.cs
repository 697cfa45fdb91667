using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>What went wrong, in kinds a caller handles differently; the server's own reason is <see cref="PiazzaException.Code"/>.</summary>
public enum PiazzaFailure
{
    /// <summary>The server refused the request; <see cref="PiazzaException.Code"/> says why.</summary>
    Refused,

    /// <summary>The server could not be reached, or did not answer the hello in time.</summary>
    Unreachable,

    /// <summary>The connection was lost before the answer came (and the request is not one the client repeats).</summary>
    ConnectionLost,

    /// <summary>The TLS handshake failed, e.g. the server's certificate is not trusted.</summary>
    TlsFailed,

    /// <summary>File transfers are not possible for this session (a guest, or a server without an HTTP door).</summary>
    FilesUnavailable,

    /// <summary>The client was closed.</summary>
    Closed,

    /// <summary>A file transfer failed: refused by the HTTP door (<see cref="PiazzaException.HttpStatus"/>) or given up after retrying.</summary>
    TransferFailed,

    /// <summary>A downloaded file did not match the expected SHA-256; the partial file was deleted.</summary>
    HashMismatch,

    /// <summary>A local file could not be read.</summary>
    LocalFile,
}

/// <summary>
/// The one exception the client library throws for a failed operation. <see cref="Failure"/> is the kind;
/// <see cref="Code"/> is the protocol's error code when the server named one (<see cref="ErrorCode.NameTaken"/>,
/// <see cref="ErrorCode.RateLimited"/>, …), and <see cref="WireCode"/> the code exactly as sent.
/// </summary>
public sealed class PiazzaException : Exception
{
    public PiazzaException(PiazzaFailure failure, string message, string? wireCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        WireCode = wireCode;
        Code = WireNames.TryParse(wireCode, out ErrorCode code) ? code : null;
    }

    public PiazzaFailure Failure { get; }

    /// <summary>The server's error code, or null when the failure is local or the code is one this library does not know.</summary>
    public ErrorCode? Code { get; }

    /// <summary>The error code as the server sent it (also codes newer than this library); null for local failures.</summary>
    public string? WireCode { get; }

    /// <summary>How long to wait before trying again (with <see cref="ErrorCode.RateLimited"/>, timed bans and mutes).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The HTTP status of a refused file transfer; null otherwise.</summary>
    public int? HttpStatus { get; init; }
}
