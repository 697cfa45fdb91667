using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>How a <see cref="PiazzaClient"/> connects. Immutable; every default is stated.</summary>
public sealed record PiazzaClientOptions
{
    /// <summary>Server host name or address. Default 127.0.0.1. Used when <see cref="Servers"/> is empty.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Server port. Default 7070. Used when <see cref="Servers"/> is empty.</summary>
    public int Port { get; init; } = ProtocolConstants.DefaultPort;

    /// <summary>
    /// The servers of a cluster, in the order they are tried: connecting takes the first that answers; after a lost
    /// connection the client goes on to the next one (round robin) and resumes every conversation there. Empty (the
    /// default): the one server <see cref="Host"/>:<see cref="Port"/>. <see cref="ServerEndpoint.ParseList"/> reads
    /// <c>host:port,host:port</c>.
    /// </summary>
    public IReadOnlyList<ServerEndpoint> Servers { get; init; } = [];

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

    /// <summary>
    /// How many full rounds of <see cref="Servers"/> may fail in a row before the client gives up reconnecting
    /// (state <see cref="ConnectionState.Disconnected"/>). Null (the default): it never gives up.
    /// </summary>
    public int? MaxReconnectRounds { get; init; }

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="MaxBackoff"/>. Default 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay. Default 15 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The clock of the reconnect waits and of <see cref="ConnectionStateChanged.NextAttemptAt"/>. Default
    /// <see cref="System.TimeProvider.System"/>; tests pass a fake one.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Silence after which the client pings the server; no answer within the same time again means the
    /// connection is dead (catches half-open TCP). Default 20 s, below the server's 60 s idle timeout.
    /// </summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Time allowed for TCP connect plus hello/welcome. Default 10 s, the server's own hello deadline.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest line accepted from the server. Default: four times the protocol default.</summary>
    public int MaxLineBytes { get; init; } = ProtocolConstants.DefaultMaxLineBytes * 4;

    /// <summary>
    /// A message refused as <c>rate_limited</c> is sent again after the server's <c>retryAfter</c> when that is at most
    /// this long; longer waits are reported to the caller. Default 30 s; zero reports every refusal.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events kept for a reader that falls behind. When the buffer is full the OLDEST event is dropped to make room
    /// (a client that never reads its events keeps working in bounded memory) and <see cref="PiazzaClient.DroppedEvents"/>
    /// counts it; a reader that must not miss messages reads promptly or fills gaps with <see cref="PiazzaClient.HistoryAsync"/>.
    /// Default 10,000.
    /// </summary>
    public int EventCapacity { get; init; } = 10_000;

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

    /// <summary>The servers to try, in order: <see cref="Servers"/>, or <see cref="Host"/>:<see cref="Port"/> alone.</summary>
    internal IReadOnlyList<ServerEndpoint> ServersToTry => Servers is { Count: > 0 } servers ? servers : [new ServerEndpoint(Host, Port)];
}
