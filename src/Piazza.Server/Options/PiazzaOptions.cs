using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Options;

/// <summary>
/// Everything the server can be told, grouped as the parts of the server that read it. Immutable once bound.
/// The defaults are the initial values below; names, descriptions and rules are in <see cref="OptionTable"/>, the one
/// table that flags, environment names, appsettings.json keys, <c>--help</c> and docs/configuration.md come from.
/// </summary>
public sealed record PiazzaOptions
{
    /// <summary>The configuration section (appsettings.json) and, with <c>PIAZZA_</c>, the environment prefix.</summary>
    public const string SectionName = "Piazza";

    public string Data { get; init; } = "piazza-data";

    /// <summary>null means "when stdin is a terminal".</summary>
    public bool? Console { get; init; }

    public NetworkOptions Network { get; init; } = new();

    public TlsOptions Tls { get; init; } = new();

    public Doors.Irc.IrcOptions Irc { get; init; } = new();

    public ConnectionOptions Connections { get; init; } = new();

    public HttpLimitOptions HttpLimits { get; init; } = new();

    /// <summary>The core's own record, used as it is (no copy, no mapping back).</summary>
    public ChatHubOptions Hub { get; init; } = new();

    public FilesOptions Files { get; init; } = new();

    public ClusterOptions Cluster { get; init; } = new();

    public Integrations.Webhooks.WebhookOptions Webhooks { get; init; } = new();

    public Observability.ObservabilityOptions Observability { get; init; } = new();

    /// <summary>Where the files' bytes live: <c>--files-dir</c>, else <c>files</c> in the data folder.</summary>
    public string FilesFolder => Files.Dir ?? Path.Combine(Data, "files");

    /// <summary>The doors that are on, each with the flag that sets its port, in the order they are opened.</summary>
    public IEnumerable<(string Flag, int Port)> DoorPorts()
    {
        if (Network.PlainTcp)
        {
            yield return ("--port", Network.Port);
        }

        if (Network.HttpPort >= 0)
        {
            yield return ("--http-port", Network.HttpPort);
        }

        if (Irc.Port >= 0)
        {
            yield return ("--irc-port", Irc.Port);
        }

        if (Tls.Enabled)
        {
            yield return ("--tls-port", Tls.Port);
            if (Tls.HttpsPort >= 0)
            {
                yield return ("--https-port", Tls.HttpsPort);
            }

            if (Irc.TlsPort >= 0)
            {
                yield return ("--irc-tls-port", Irc.TlsPort);
            }
        }
    }
}

/// <summary>
/// Where the node keeps what every node shares. Neither set: one process on embedded SQLite. <see cref="Postgres"/>
/// alone: one node on PostgreSQL. Both: a cluster node (docs/scale-out.md).
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>An Npgsql connection string; also <c>ConnectionStrings:Postgres</c>. Never logged or echoed (it may hold a password).</summary>
    public string? Postgres { get; init; }

    /// <summary>A StackExchange.Redis configuration string; also <c>ConnectionStrings:Redis</c>. Never echoed.</summary>
    public string? Redis { get; init; }

    /// <summary>The node's name in logs, metrics and presence; null: the host name and the native port.</summary>
    public string? NodeId { get; init; }
}

/// <summary>Where the plain doors listen.</summary>
public sealed record NetworkOptions
{
    public string Bind { get; init; } = "0.0.0.0";

    public int Port { get; init; } = ProtocolConstants.DefaultPort;

    /// <summary>-1 turns the HTTP door off.</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>false for encryption-only deployments (needs TLS).</summary>
    public bool PlainTcp { get; init; } = true;
}

/// <summary>The TLS doors and their certificate.</summary>
public sealed record TlsOptions
{
    public int Port { get; init; } = ProtocolConstants.DefaultTlsPort;

    /// <summary>-1 turns the HTTPS door off.</summary>
    public int HttpsPort { get; init; } = 8443;

    public string? Cert { get; init; }

    public string? Key { get; init; }

    public bool Dev { get; init; }

    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a TLS listener is wanted: a certificate is configured or a development one requested.</summary>
    public bool Enabled => Dev || Cert is not null;
}

/// <summary>What every client connection of every door obeys: framing, deadlines, its outbox and per-address limits.</summary>
public sealed record ConnectionOptions
{
    public int MaxLineBytes { get; init; } = ProtocolConstants.DefaultMaxLineBytes;

    /// <summary>Silence before a ping; half as long again before the close with reason <c>timeout</c>.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The core's own record, used as it is.</summary>
    public OutboxLimits Outbox { get; init; } = new();

    /// <summary>0 means no limit.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 100;

    /// <summary>0 means no limit.</summary>
    public double ConnectionsPerSecondPerAddress { get; init; } = 10;

    public int ConnectionBurstPerAddress { get; init; } = 30;

    /// <summary>
    /// Concurrent HTTP/2 streams per connection: each may hold a response in progress, so this bounds an HTTP/2
    /// connection's memory like one connection of another door (Kestrel's default is 100).
    /// </summary>
    public int Http2MaxStreams { get; init; } = 16;

    /// <summary>REST history answers in progress per HTTP connection (each holds one page); 0 means no limit.</summary>
    public int HttpHistoryReadsPerConnection { get; init; } = 4;

    /// <summary>
    /// Origins the page is published at (e.g. behind a proxy), allowed to open the WebSocket besides the localhost
    /// names and listening addresses, which always are (<see cref="Doors.Http.PublicOrigins"/>).
    /// </summary>
    public IReadOnlyList<string> PublicOrigins { get; init; } = [];
}

/// <summary>File sharing (tus uploads): sizes, quota, concurrency and expiry.</summary>
public sealed record FilesOptions
{
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;

    public long UserQuotaBytes { get; init; } = 1024L * 1024 * 1024;

    public int MaxConcurrentUploads { get; init; } = 4;

    /// <summary>Uploads (empty ones included) one user may create per minute, all at once if they like; 0 means no limit.</summary>
    public int UploadsPerMinute { get; init; } = 30;

    public TimeSpan UploadExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The files folder when not the data folder's own (<see cref="PiazzaOptions.FilesFolder"/>); shared by every node of a cluster.</summary>
    public string? Dir { get; init; }
}
