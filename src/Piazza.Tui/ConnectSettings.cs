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

/// <summary>Where and as whom to connect; filled from the command line and, in the UI, the login dialog.</summary>
internal sealed record ConnectSettings(string Host, int Port, string? User)
{
    public const string DefaultHost = "127.0.0.1";

    public const string ClientName = "piazza-tui/0.1";

    public static ConnectSettings Default { get; } = new(DefaultHost, ProtocolConstants.DefaultPort, null);

    /// <summary>The account's password; null or empty for a guest.</summary>
    public string? Password { get; init; }

    public LoginMode Mode { get; init; }

    /// <summary><c>--plain</c> only: the room stdin lines go to (joined if needed); null for the lobby.</summary>
    public string? Room { get; init; }

    /// <summary>TLS and how the server's certificate is trusted (<c>--tls</c>, <c>--ca</c>, <c>--fingerprint</c>, <c>--insecure</c>); null for plain TCP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>Whether this connects as a guest (no password is sent).</summary>
    public bool IsGuest => Mode == LoginMode.Guest || (Mode == LoginMode.Auto && string.IsNullOrEmpty(Password));

    /// <summary>Client options for these settings; <paramref name="reconnect"/> is off for scripts, which should fail fast.</summary>
    public PiazzaClientOptions ToClientOptions(bool reconnect) => new()
    {
        Host = Host,
        Port = Port,
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
    public override string ToString() => $"{User}@{Host}:{Port} ({Mode})";
}
