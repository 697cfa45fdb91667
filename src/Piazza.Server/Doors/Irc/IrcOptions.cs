namespace Piazza.Server.Doors.Irc;

/// <summary>The IRC door's listeners (docs/irc.md).</summary>
public sealed record IrcOptions
{
    /// <summary>The plain IRC port; -1 turns it off.</summary>
    public int Port { get; init; } = 6667;

    /// <summary>IRC over TLS, on with a certificate or --dev-tls; -1 turns it off.</summary>
    public int TlsPort { get; init; } = 6697;

    /// <summary>The network's name in ISUPPORT (NETWORK=) and the welcome.</summary>
    public string Network { get; init; } = "Piazza";

    /// <summary>The server's name as IRC clients see it (the source of numerics).</summary>
    public string ServerName { get; init; } = "piazza.local";
}
