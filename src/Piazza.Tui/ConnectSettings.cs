using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>How to identify: log in to an account, create one, or be a guest (no password).</summary>
internal enum LoginMode
{
    /// <summary>Log in when a password is given, else connect as a guest.</summary>
    Auto,
    Login,
    Register,
    Guest,
}

/// <summary>Connecting with TLS: optionally a CA/self-signed PEM to trust, a pinned SHA-256 fingerprint, or no checks (tests).</summary>
internal sealed record TlsSettings(string? CaFile, string? Fingerprint, bool Insecure);

/// <summary>
/// Where and as whom to connect; filled from the command line and, in the UI, the login dialog. <see cref="Host"/> and
/// <see cref="Port"/> are the first server; <see cref="Servers"/> all of them, in the order they are tried.
/// </summary>
internal sealed record ConnectSettings(string Host, int Port, string? User)
{
    /// <summary>How many failed rounds of the server list <c>--plain</c> sits through before it exits (a few seconds of backoff).</summary>
    public const int PlainReconnectRounds = 3;

    private readonly IReadOnlyList<ServerEndpoint>? _servers;

    public const string DefaultHost = "127.0.0.1";

    public const string ClientName = "piazza-tui/0.1";

    public static ConnectSettings Default { get; } = new(DefaultHost, ProtocolConstants.DefaultPort, null);

    /// <summary>The servers of a cluster (<c>--server</c>, repeated or a comma list); by default <see cref="Host"/>:<see cref="Port"/> alone.</summary>
    public IReadOnlyList<ServerEndpoint> Servers
    {
        get => _servers ?? [new ServerEndpoint(Host, Port)];
        init => _servers = value is { Count: > 0 } ? value : null;
    }

    /// <summary>The servers as the user writes them: <c>host:port,host:port</c>.</summary>
    public string ServerList => string.Join(",", Servers);

    /// <summary>The account's password; null or empty for a guest.</summary>
    public string? Password { get; init; }

    public LoginMode Mode { get; init; }

    /// <summary><c>--plain</c> only: the room stdin lines go to (joined if needed); null for the lobby.</summary>
    public string? Room { get; init; }

    /// <summary>Whether a mention of the user or a private message rings the terminal bell (<c>--no-bell</c> turns it off).</summary>
    public bool Bell { get; init; } = true;

    /// <summary>TLS and how the server's certificate is trusted (<c>--tls</c>, <c>--ca</c>, <c>--fingerprint</c>, <c>--insecure</c>); null for plain TCP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>Whether this connects as a guest (no password is sent).</summary>
    public bool IsGuest => Mode == LoginMode.Guest || (Mode == LoginMode.Auto && string.IsNullOrEmpty(Password));

    /// <summary>
    /// Client options for these settings; <paramref name="reconnect"/> is off for scripts, which should fail fast;
    /// <paramref name="maxReconnectRounds"/> bounds how long a reconnecting client keeps trying (null: for ever).
    /// </summary>
    public PiazzaClientOptions ToClientOptions(bool reconnect, int? maxReconnectRounds = null) => new()
    {
        Host = Host,
        Port = Port,
        Servers = Servers,
        MaxReconnectRounds = maxReconnectRounds,
        User = User ?? "",
        Password = IsGuest ? null : Password ?? "",
        Register = Mode == LoginMode.Register,
        ClientName = ClientName,
        Reconnect = reconnect,
        Tls = Tls is not null,
        CaFile = Tls?.CaFile,
        Fingerprint = Tls?.Fingerprint,
        Insecure = Tls?.Insecure ?? false,
    };

    /// <summary>The record without the password, so it is never printed by accident.</summary>
    public override string ToString() => $"{User}@{ServerList} ({Mode})";
}
