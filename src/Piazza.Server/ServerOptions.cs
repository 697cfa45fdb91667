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

    /// <summary>Largest file a user may upload, in bytes. Default 100 MiB; refused with 413 when the upload is created.</summary>
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// Bytes a user may hold: stored files plus the declared lengths of unfinished uploads. Default 1 GiB, a few dozen
    /// large files per person on a small server.
    /// </summary>
    public long UserQuotaBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Unfinished uploads one user may have at once (a browser uploading a few files in parallel). Default 4.</summary>
    public int MaxConcurrentUploads { get; init; } = 4;

    /// <summary>How long an unfinished upload is kept after its creation. Default 24 hours.</summary>
    public TimeSpan UploadExpiry { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Whether the plain (unencrypted) native TCP door listens on <see cref="Port"/>. Default true; false for encryption-only deployments.</summary>
    public bool PlainTcp { get; init; } = true;

    /// <summary>Port of the native door over TLS, on when a certificate is configured or <see cref="DevTls"/> is set. Default 7443; 0 picks a free port.</summary>
    public int TlsPort { get; init; } = ProtocolConstants.DefaultTlsPort;

    /// <summary>Port of the HTTP door over TLS (page, WSS, API), on with a certificate. Default 8443; 0 picks a free port; -1 turns it off.</summary>
    public int HttpsPort { get; init; } = 8443;

    /// <summary>PEM certificate (chain) file for TLS; with <see cref="TlsKey"/>. Reloaded when it changes.</summary>
    public string? TlsCert { get; init; }

    /// <summary>PEM private key file for <see cref="TlsCert"/> (PKCS#8 or the algorithm's own PEM form, unencrypted).</summary>
    public string? TlsKey { get; init; }

    /// <summary>Make (once) and use a self-signed certificate in the data folder, for local use. Default false.</summary>
    public bool DevTls { get; init; }

    /// <summary>How often at most the certificate files are checked for a change (at a TLS handshake). Default 2 s.</summary>
    public TimeSpan TlsReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a client has to complete the TLS handshake. Default 10 s.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections one address (an IPv6 /64) may hold open at once, over all doors. Default 100; 0 means no limit.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 100;

    /// <summary>New connections one address may open per second, on average, over all doors. Default 10; 0 means no limit.</summary>
    public double ConnectionsPerSecondPerAddress { get; init; } = 10;

    /// <summary>New connections one address may open at once before the per-second rate applies. Default 30.</summary>
    public int ConnectionBurstPerAddress { get; init; } = 30;

    /// <summary>Rooms one user may be in at once. Default 100; 0 means no limit.</summary>
    public int MaxRoomsPerUser { get; init; } = new ChatHubOptions().MaxRoomsPerUser;

    /// <summary>Messages one connection may send per second. Default 5; 0 turns the limit off.</summary>
    public double MessagesPerSecond { get; init; } = new Core.Limits.FloodLimits().MessagesPerSecond;

    /// <summary>Messages one connection may send at once. Default 20.</summary>
    public int MessageBurst { get; init; } = new Core.Limits.FloodLimits().MessageBurst;

    /// <summary>Messages one account (all devices and API requests) may send per second. Default 10; 0 turns it off.</summary>
    public double AccountMessagesPerSecond { get; init; } = new Core.Limits.FloodLimits().AccountMessagesPerSecond;

    /// <summary>Messages one account may send at once. Default 40.</summary>
    public int AccountMessageBurst { get; init; } = new Core.Limits.FloodLimits().AccountMessageBurst;

    /// <summary>Frames of any type one connection may send per second. Default 20; 0 turns it off.</summary>
    public double FramesPerSecond { get; init; } = new Core.Limits.FloodLimits().FramesPerSecond;

    /// <summary>Frames one connection may send at once. Default 60.</summary>
    public int FrameBurst { get; init; } = new Core.Limits.FloodLimits().FrameBurst;

    /// <summary>Refusals within <see cref="FloodWindow"/> after which a connection is disconnected as flooding. Default 30; 0 never.</summary>
    public int FloodRefusals { get; init; } = new Core.Limits.FloodLimits().RefusalsBeforeDisconnect;

    /// <summary>The window <see cref="FloodRefusals"/> counts in. Default 10 s.</summary>
    public TimeSpan FloodWindow { get; init; } = new Core.Limits.FloodLimits().RefusalWindow;

    /// <summary>Whether a TLS listener is wanted: a certificate is configured or a development one requested.</summary>
    internal bool TlsEnabled => DevTls || TlsCert is not null;

    internal OutboxLimits OutboxLimits => new() { MaxFrames = OutboxMaxFrames, MaxBytes = OutboxMaxBytes };

    internal ChatHubOptions HubOptions => new()
    {
        Motd = Motd,
        MaxMessageChars = MaxMessageChars,
        AllowGuests = AllowGuests,
        PasswordIterations = PasswordIterations,
        TokenLifetime = TokenLifetime,
        MaxRoomsPerUser = MaxRoomsPerUser,
        Flood = new Core.Limits.FloodLimits
        {
            MessagesPerSecond = MessagesPerSecond,
            MessageBurst = MessageBurst,
            AccountMessagesPerSecond = AccountMessagesPerSecond,
            AccountMessageBurst = AccountMessageBurst,
            FramesPerSecond = FramesPerSecond,
            FrameBurst = FrameBurst,
            RefusalsBeforeDisconnect = FloodRefusals,
            RefusalWindow = FloodWindow,
        },
        FirstUserIsAdmin = FirstUserIsAdmin,
    };
}
