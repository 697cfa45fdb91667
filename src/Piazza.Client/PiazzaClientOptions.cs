using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>How a <see cref="PiazzaClient"/> connects. Immutable; every default is stated.</summary>
public sealed record PiazzaClientOptions
{
    /// <summary>Server host name or address. Default 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Server port. Default 7070.</summary>
    public int Port { get; init; } = ProtocolConstants.DefaultPort;

    /// <summary>The user name to say hello with. Required.</summary>
    public string User { get; init; } = "";

    /// <summary>The account's password; null logs in as a guest (or with <see cref="Token"/>).</summary>
    public string? Password { get; init; }

    /// <summary>A session token from an earlier login; used instead of the password when set.</summary>
    public string? Token { get; init; }

    /// <summary>Create the account (<see cref="User"/>, <see cref="Password"/>) on connect instead of logging in.</summary>
    public bool Register { get; init; }

    /// <summary>Sent in hello as <c>client</c>, for the operator's logs.</summary>
    public string ClientName { get; init; } = "piazza-client/0.1";

    /// <summary>Reconnect after a lost connection. Default true.</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="MaxBackoff"/>. Default 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay. Default 15 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Silence after which the client pings the server; no answer within the same time again means the
    /// connection is dead (catches half-open TCP). Default 20 s, below the server's 60 s idle timeout.
    /// </summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Time allowed for TCP connect plus hello/welcome. Default 30 s: a loopback connect was seen to take over 10 s on
    /// a loaded 2-core machine (not yet explained), and a slow link with a TLS handshake needs room too.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest line accepted from the server. Default: four times the protocol default.</summary>
    public int MaxLineBytes { get; init; } = ProtocolConstants.DefaultMaxLineBytes * 4;

    /// <summary>
    /// A message refused as <c>rate_limited</c> is sent again after the server's <c>retryAfter</c> when that is at most
    /// this long; longer waits are reported to the caller. Default 30 s; zero reports every refusal.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connect with TLS (the server's TLS port, default 7443). The certificate is verified against the system's trust
    /// store and <see cref="Host"/>, unless <see cref="CaFile"/>, <see cref="Fingerprint"/> or <see cref="Insecure"/> say otherwise.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>A PEM file of certificates to trust as roots (a private CA, or a self-signed server certificate).</summary>
    public string? CaFile { get; init; }

    /// <summary>The server certificate's SHA-256 fingerprint (hex, colons allowed): trusted exactly, whoever signed it.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Accept any certificate. For tests only: it gives up on knowing whom you talk to.</summary>
    public bool Insecure { get; init; }
}

/// <summary>Where the client stands.</summary>
public enum ConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Reconnecting,
    Closed,
}

/// <summary>A request the server answered with an <c>error</c> frame; <see cref="Code"/> is the protocol code.</summary>
public sealed class PiazzaException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>How long to wait before trying again (with <c>rate_limited</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Code used when the server cannot be reached at all.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Code used when the connection was lost before an answer came.</summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>Code used when file transfers are not possible for this session (a guest, or no HTTP door).</summary>
    public const string FilesUnavailable = "files_unavailable";
    /// <summary>Code used when the TLS handshake failed, e.g. the server's certificate is not trusted.</summary>
    public const string TlsFailed = "tls_failed";
}
