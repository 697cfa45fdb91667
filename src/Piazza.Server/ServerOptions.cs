using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server;

/// <summary>
/// Everything the server can be told, from flags (<c>--port</c>), environment (<c>PIAZZA_PORT</c>) or
/// appsettings.json (section <c>Piazza</c>), in that order of precedence. Immutable once the host starts.
/// </summary>
public sealed record ServerOptions
{
    public const string SectionName = "Piazza";

    /// <summary>Address the native TCP door binds to. Default 0.0.0.0 (all IPv4 interfaces).</summary>
    public string Bind { get; init; } = "0.0.0.0";

    /// <summary>Port of the native TCP door. Default 7070; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = ProtocolConstants.DefaultPort;

    /// <summary>Port of the HTTP door (web client, WebSocket <c>/ws</c>, REST API). Default 8080; 0 picks a free port; -1 turns it off.</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>
    /// Origins (e.g. <c>https://chat.example.org</c>) allowed to open the WebSocket besides the server's own.
    /// Default none.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Data folder (database, files). Default ./piazza-data, created on start.</summary>
    public string Data { get; init; } = "piazza-data";

    /// <summary>Longest accepted line in bytes. Default 64 KiB.</summary>
    public int MaxLineBytes { get; init; } = ProtocolConstants.DefaultMaxLineBytes;

    /// <summary>
    /// Silence after which a client is pinged. Default 60 s. A client that then stays silent for half
    /// this long again is closed with reason <c>timeout</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time a new connection has to say hello. Default 10 s.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most frames queued for one client before it is dropped as a slow consumer. Default 4,096.</summary>
    public int OutboxMaxFrames { get; init; } = new OutboxLimits().MaxFrames;

    /// <summary>Most bytes queued for one client before it is dropped as a slow consumer. Default 4 MiB.</summary>
    public long OutboxMaxBytes { get; init; } = new OutboxLimits().MaxBytes;

    /// <summary>Longest message text in characters. Default 4,000.</summary>
    public int MaxMessageChars { get; init; } = new ChatHubOptions().MaxMessageChars;

    /// <summary>Message of the day, sent in <c>welcome</c>.</summary>
    public string? Motd { get; init; } = new ChatHubOptions().Motd;

    /// <summary>Whether users without an account may connect. Default true.</summary>
    public bool AllowGuests { get; init; } = true;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes. Default 600,000 (lower it only for tests).</summary>
    public int PasswordIterations { get; init; } = new ChatHubOptions().PasswordIterations;

    /// <summary>Lifetime of session tokens. Default 30 days.</summary>
    public TimeSpan TokenLifetime { get; init; } = new ChatHubOptions().TokenLifetime;

    /// <summary>The first account registered while there is no admin becomes server admin. Default false.</summary>
    public bool FirstUserIsAdmin { get; init; }

    /// <summary>Operator console on stdin: null means "when stdin is a terminal".</summary>
    public bool? Console { get; init; }

    internal OutboxLimits OutboxLimits => new() { MaxFrames = OutboxMaxFrames, MaxBytes = OutboxMaxBytes };

    internal ChatHubOptions HubOptions => new()
    {
        Motd = Motd,
        MaxMessageChars = MaxMessageChars,
        AllowGuests = AllowGuests,
        PasswordIterations = PasswordIterations,
        TokenLifetime = TokenLifetime,
        FirstUserIsAdmin = FirstUserIsAdmin,
    };
}
