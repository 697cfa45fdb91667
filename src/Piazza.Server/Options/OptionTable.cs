namespace Piazza.Server.Options;

/// <summary>
/// Every server option, once: flag, flat name (environment variable <c>PIAZZA_NAME</c>, short key <c>Piazza:Name</c>),
/// place in <see cref="PiazzaOptions"/> (full key <c>Piazza:Group:Name</c>), description and rule. The flags, the
/// binding, <c>--help</c> and docs/configuration.md are all made from this list.
/// </summary>
public static class OptionTable
{
    public static IReadOnlyList<OptionDescriptor> All { get; } =
    [
        new("--data", "Data", "Data", "data folder (database, files), created on start", OptionRule.NotEmpty),
        new("--console", "Console", "Console", "operator console on stdin", defaultText: "when stdin is a terminal"),

        new("--bind", "Bind", "Network:Bind", "address every door listens on (an IP address, localhost or *)", OptionRule.ListenAddress),
        new("--port", "Port", "Network:Port", "port of the native TCP door; 0 picks a free port", OptionRule.Port),
        new("--http-port", "HttpPort", "Network:HttpPort", "port of the HTTP door (web client, WebSocket /ws, REST API); 0 picks a free port, -1 turns it off", OptionRule.PortOrOff),
        new("--plain-tcp", "PlainTcp", "Network:PlainTcp", "serve the unencrypted native door on --port (false needs a certificate or --dev-tls)"),

        new("--tls-port", "TlsPort", "Tls:Port", "port of the native door over TLS, on with a certificate or --dev-tls; 0 picks a free port", OptionRule.Port),
        new("--https-port", "HttpsPort", "Tls:HttpsPort", "HTTPS port (page, WSS, API), on with a certificate or --dev-tls; 0 picks a free port, -1 turns it off", OptionRule.PortOrOff),
        new("--tls-cert", "TlsCert", "Tls:Cert", "PEM certificate (chain) file, with --tls-key; re-read when it changes"),
        new("--tls-key", "TlsKey", "Tls:Key", "PEM private key file for --tls-cert (PKCS#8 or the algorithm's own PEM form, unencrypted)"),
        new("--dev-tls", "DevTls", "Tls:Dev", "make (once) and use a self-signed certificate in the data folder, for local use; prints its fingerprint"),
        new("--tls-reload-interval", "TlsReloadInterval", "Tls:ReloadInterval", "seconds between checks of the certificate files for a change (at a handshake)", OptionRule.AtLeast(0)),
        new("--tls-handshake-timeout", "TlsHandshakeTimeout", "Tls:HandshakeTimeout", "seconds a client has to finish the TLS handshake", OptionRule.PositiveSeconds),

        new("--irc-port", "IrcPort", "Irc:Port", "port of the IRC door (docs/irc.md); 0 picks a free port, -1 turns it off", OptionRule.PortOrOff),
        new("--irc-tls-port", "IrcTlsPort", "Irc:TlsPort", "port of the IRC door over TLS, on with a certificate or --dev-tls; 0 picks a free port, -1 turns it off", OptionRule.PortOrOff),
        new("--irc-network", "IrcNetwork", "Irc:Network", "the network name IRC clients are told (ISUPPORT NETWORK)", OptionRule.NotEmpty),
        new("--irc-server-name", "IrcServerName", "Irc:ServerName", "the server name IRC clients see as the source of server replies", OptionRule.NotEmpty),

        new("--max-line-bytes", "MaxLineBytes", "Connections:MaxLineBytes", "longest accepted frame (line) in bytes", OptionRule.AtLeast(256)),
        new("--idle-timeout", "IdleTimeout", "Connections:IdleTimeout", "seconds of silence before a client is pinged; closed (timeout) after half as long again", OptionRule.PositiveSeconds),
        new("--hello-timeout", "HelloTimeout", "Connections:HelloTimeout", "seconds a new connection has to say hello", OptionRule.PositiveSeconds),
        new("--outbox-max-frames", "OutboxMaxFrames", "Connections:Outbox:MaxFrames", "most frames queued for one client before it is dropped as a slow consumer", OptionRule.AtLeast(1)),
        new("--outbox-max-bytes", "OutboxMaxBytes", "Connections:Outbox:MaxBytes", "most bytes queued for one client before it is dropped as a slow consumer", OptionRule.AtLeast(1)),
        new("--max-connections-per-address", "MaxConnectionsPerAddress", "Connections:MaxConnectionsPerAddress", "long-lived connections one address (IPv6: its /64) may hold open: native and TLS, WebSocket, event streams together; 0 no limit", OptionRule.AtLeast(0)),
        new("--connections-per-second-per-address", "ConnectionsPerSecondPerAddress", "Connections:ConnectionsPerSecondPerAddress", "new long-lived connections (native, WebSocket, event stream) one address may open per second, on average; 0 no limit", OptionRule.AtLeast(0)),
        new("--connection-burst-per-address", "ConnectionBurstPerAddress", "Connections:ConnectionBurstPerAddress", "new long-lived connections one address may open at once before the rate applies", OptionRule.AtLeast(1)),
        new("--http-request-rate", "HttpRequestRate", "HttpLimits:RequestRate", "API requests one bearer token (a request without one: its address) may make per second, on average, from any address; more answer 429 rate_limited with Retry-After; 0 no limit", OptionRule.AtLeast(0)),
        new("--http-request-burst", "HttpRequestBurst", "HttpLimits:RequestBurst", "API requests one token (or tokenless address) may make at once before --http-request-rate applies", OptionRule.AtLeast(1)),
        new("--http-address-request-rate", "HttpAddressRequestRate", "HttpLimits:AddressRequestRate", "API requests one address (IPv6: its /64) may make per second, all tokens together (users behind one NAT); 0 no limit", OptionRule.AtLeast(0)),
        new("--http-address-request-burst", "HttpAddressRequestBurst", "HttpLimits:AddressRequestBurst", "API requests one address may make at once before --http-address-request-rate applies", OptionRule.AtLeast(1)),
        new("--max-http-connections-per-address", "MaxHttpConnectionsPerAddress", "HttpLimits:MaxConnectionsPerAddress", "HTTP connections one address may hold open at once (short requests are limited by rate, not by this); 0 no limit", OptionRule.AtLeast(0)),
        new("--http2-max-streams", "Http2MaxStreams", "Connections:Http2MaxStreams", "HTTP/2 streams (requests) one HTTPS connection may have open at once; the client waits for a free one", OptionRule.AtLeast(1)),
        new("--http-history-reads-per-connection", "HttpHistoryReadsPerConnection", "Connections:HttpHistoryReadsPerConnection", "REST history answers one HTTP connection may have in progress at once; more answer 429 rate_limited; 0 no limit", OptionRule.AtLeast(0)),
        new("--public-origins", "PublicOrigins", "Connections:PublicOrigins", "origins the page is published at (e.g. https://chat.example.org behind a proxy), comma-separated; only these and the localhost names and listening addresses (with the HTTP/HTTPS ports) may open the WebSocket",
            new OptionRule("each must be an http or https origin such as https://chat.example.org (no path)", value => ((IReadOnlyList<string>)value).All(Doors.Http.PublicOrigins.IsOrigin)),
            defaultText: "localhost, 127.0.0.1, [::1], the machine's name and the listening addresses"),

        new("--motd", "Motd", "Hub:Motd", "message of the day, sent in welcome"),
        new("--allow-guests", "AllowGuests", "Hub:AllowGuests", "let people without an account connect (under a name nobody has registered)"),
        new("--first-user-admin", "FirstUserIsAdmin", "Hub:FirstUserIsAdmin", "the first account registered while there is no admin becomes server admin"),
        new("--password-iterations", "PasswordIterations", "Hub:PasswordIterations", "PBKDF2-SHA256 iterations for new password hashes (lower it only for tests)", OptionRule.AtLeast(1)),
        new("--token-lifetime", "TokenLifetime", "Hub:TokenLifetime", "seconds a session token stays valid", OptionRule.PositiveSeconds),
        new("--max-message-chars", "MaxMessageChars", "Hub:MaxMessageChars", "longest message text in characters", OptionRule.AtLeast(1)),
        new("--max-rooms-per-user", "MaxRoomsPerUser", "Hub:MaxRoomsPerUser", "rooms one user may be in at once, the lobby included; 0 no limit", OptionRule.AtLeast(0)),
        new("--guests-create-rooms", "GuestsMayCreateRooms", "Hub:GuestsMayCreateRooms", "let guests create rooms (a guest's room is deleted once nobody is in it); false: guests join existing rooms only"),
        new("--members-can-invite", "MembersMayInvite", "Hub:MembersMayInvite", "let every member of a room invite others to it (a private room is joined by invitation); false: only its owner, moderators and admins"),
        new("--room-creations-per-minute", "RoomCreationsPerMinute", "Hub:RoomCreation:PerAccountPerMinute", "rooms one account (or guest) may create per minute, on average; 0 no limit", OptionRule.AtLeast(0)),
        new("--room-creation-burst", "RoomCreationBurst", "Hub:RoomCreation:AccountBurst", "rooms one account may create at once before the rate applies", OptionRule.AtLeast(1)),
        new("--address-room-creations-per-minute", "AddressRoomCreationsPerMinute", "Hub:RoomCreation:PerAddressPerMinute", "rooms one address (IPv6: its /64) may create per minute, all its connections together; 0 no limit", OptionRule.AtLeast(0)),
        new("--address-room-creation-burst", "AddressRoomCreationBurst", "Hub:RoomCreation:AddressBurst", "rooms one address may create at once before the rate applies", OptionRule.AtLeast(1)),
        new("--messages-per-second", "MessagesPerSecond", "Hub:Flood:MessagesPerSecond", "messages one connection may send per second, on average; 0 no limit", OptionRule.AtLeast(0)),
        new("--message-burst", "MessageBurst", "Hub:Flood:MessageBurst", "messages one connection may send at once before the rate applies", OptionRule.AtLeast(1)),
        new("--account-messages-per-second", "AccountMessagesPerSecond", "Hub:Flood:AccountMessagesPerSecond", "messages one account may send per second, all its devices and the API together; 0 no limit", OptionRule.AtLeast(0)),
        new("--account-message-burst", "AccountMessageBurst", "Hub:Flood:AccountMessageBurst", "messages one account may send at once", OptionRule.AtLeast(1)),
        new("--frames-per-second", "FramesPerSecond", "Hub:Flood:FramesPerSecond", "frames of any type one connection may send per second; 0 no limit", OptionRule.AtLeast(0)),
        new("--frame-burst", "FrameBurst", "Hub:Flood:FrameBurst", "frames one connection may send at once", OptionRule.AtLeast(1)),
        new("--reads-per-second", "ReadsPerSecond", "Hub:Flood:ReadsPerSecond", "history requests one connection may make per second, on average; 0 no limit", OptionRule.AtLeast(0)),
        new("--read-burst", "ReadBurst", "Hub:Flood:ReadBurst", "history requests one connection may make at once before the rate applies", OptionRule.AtLeast(1)),
        new("--account-reads-per-second", "AccountReadsPerSecond", "Hub:Flood:AccountReadsPerSecond", "history reads one account may make per second: all its devices, resume keys and the API together; 0 no limit", OptionRule.AtLeast(0)),
        new("--account-read-burst", "AccountReadBurst", "Hub:Flood:AccountReadBurst", "history reads one account may make at once", OptionRule.AtLeast(1)),
        new("--flood-refusals", "FloodRefusals", "Hub:Flood:RefusalsBeforeDisconnect", "rate_limited refusals within --flood-window before a connection is closed as flooding; 0 never", OptionRule.AtLeast(0)),
        new("--flood-window", "FloodWindow", "Hub:Flood:RefusalWindow", "seconds --flood-refusals counts in", OptionRule.PositiveSeconds),
        new("--login-free-failures", "LoginFreeFailures", "Hub:Login:FreeFailures", "failed password logins one address may make for one account before each further try waits (1 s, doubling)", OptionRule.AtLeast(1)),
        new("--login-max-delay", "LoginMaxDelay", "Hub:Login:MaxFailureDelay", "seconds of the longest such wait", OptionRule.PositiveSeconds),
        new("--login-failures-per-hour-per-address", "LoginFailuresPerHourPerAddress", "Hub:Login:AddressFailuresPerHour", "failed password logins one address (IPv6: its /64) may make per hour, all accounts together, once its burst is spent; 0 no limit", OptionRule.AtLeast(0)),
        new("--login-failure-burst-per-address", "LoginFailureBurstPerAddress", "Hub:Login:AddressFailureBurst", "failed password logins one address may make at once; then it may try no password until the rate frees one", OptionRule.AtLeast(1)),
        new("--account-failures-per-hour", "AccountFailuresPerHour", "Hub:Login:AccountFailuresPerHour", "failed logins one account may take per hour from all addresses once its burst is spent; beyond, every failing address waits from its first failure (clean addresses are never refused); 0 never", OptionRule.AtLeast(0)),
        new("--account-failure-burst", "AccountFailureBurst", "Hub:Login:AccountFailureBurst", "failed logins one account may take at once before failing addresses wait from their first failure", OptionRule.AtLeast(1)),
        new("--logins-per-minute-per-address", "LoginsPerMinutePerAddress", "Hub:Login:LoginsPerMinutePerAddress", "password logins, right or wrong, one address may start per minute once its burst is spent; 0 no limit", OptionRule.AtLeast(0)),
        new("--login-burst-per-address", "LoginBurstPerAddress", "Hub:Login:LoginBurstPerAddress", "password logins one address may start at once", OptionRule.AtLeast(1)),
        new("--registrations-per-hour-per-address", "RegistrationsPerHourPerAddress", "Hub:Login:RegistrationsPerHourPerAddress", "accounts one address may register per hour once its burst is spent; 0 no limit", OptionRule.AtLeast(0)),
        new("--registration-burst-per-address", "RegistrationBurstPerAddress", "Hub:Login:RegistrationBurstPerAddress", "accounts one address may register at once", OptionRule.AtLeast(1)),
        new("--retention-days", "RetentionDays", "Hub:Retention:Days", "days messages are kept; older ones are deleted (pinned ones kept) and history says where it now begins; a room's owner may set the room's own; 0 keeps every message", OptionRule.AtLeast(0)),
        new("--retention-interval", "RetentionInterval", "Hub:Retention:Interval", "seconds between runs of the retention job", OptionRule.PositiveSeconds),
        new("--max-queued-password-hashes", "MaxQueuedPasswordHashes", "Hub:Login:MaxQueuedHashes", "password hashes (logins, registrations) that may wait for a hashing thread; beyond, rate_limited with a retry-after; 0 no bound", OptionRule.AtLeast(0)),

        new("--max-file-bytes", "MaxFileBytes", "Files:MaxFileBytes", "largest file a user may upload, in bytes (refused with 413 when the upload is created)", OptionRule.AtLeast(0)),
        new("--user-quota-bytes", "UserQuotaBytes", "Files:UserQuotaBytes", "bytes of files one user may hold: stored files plus the declared lengths of unfinished uploads", OptionRule.AtLeast(0)),
        new("--max-concurrent-uploads", "MaxConcurrentUploads", "Files:MaxConcurrentUploads", "unfinished uploads one user may have at once", OptionRule.AtLeast(0)),
        new("--uploads-per-minute", "UploadsPerMinute", "Files:UploadsPerMinute", "uploads one user may create per minute (empty files included), as a burst or spread out; 0 no limit", OptionRule.AtLeast(0)),
        new("--upload-expiry", "UploadExpiry", "Files:UploadExpiry", "seconds an unfinished upload is kept after its creation", OptionRule.PositiveSeconds),
        new("--files-dir", "FilesDir", "Files:Dir", "folder of the shared files' bytes and unfinished uploads; in a cluster one folder every node mounts (e.g. NFSv4 with locking); created owner-only when missing", OptionRule.NotEmpty,
            defaultText: "the files folder in --data"),

        new("--webhook-allowed-hosts", "WebhookAllowedHosts", "Webhooks:AllowedHosts", "hosts outgoing webhooks may POST to, comma-separated: names or IP addresses, each optionally with :port; a name reaches public addresses only (loopback, private and link-local ones only when that IP itself is listed); empty: outgoing webhooks are off",
            new OptionRule("each must be a host name or IP address, optionally with :port", value => ((IReadOnlyList<string>)value).All(Integrations.Webhooks.WebhookDestinations.IsEntry)),
            defaultText: "none: outgoing webhooks off"),
        new("--webhook-retry-delay", "WebhookRetryDelay", "Webhooks:RetryDelay", "seconds before an outgoing webhook's first retry of a failed delivery (a network error or an answer other than 2xx); each further retry waits twice as long, at most 5 minutes", OptionRule.PositiveSeconds),
        new("--webhook-max-attempts", "WebhookMaxAttempts", "Webhooks:MaxAttempts", "attempts at one outgoing webhook delivery before it is recorded as failed (shown to the room's owner) and the next message goes", OptionRule.AtLeast(1)),

        new("--metrics", "Metrics", "Observability:Metrics", "who may read /metrics (Prometheus text), comma-separated: loopback, any, none, IP addresses or CIDR networks; a request with --metrics-token is answered from anywhere",
            new OptionRule("each must be loopback, any, none, an IP address or a CIDR network such as 10.0.0.0/8", value => ((IReadOnlyList<string>)value).All(Observability.ObservabilityOptions.IsMetricsEntry)),
            defaultText: "loopback"),
        new("--metrics-token", "MetricsToken", "Observability:MetricsToken", "a bearer token that opens /metrics from any address (Authorization: Bearer …)", defaultText: "none"),
        new("--log-format", "LogFormat", "Observability:LogFormat", "console (for people) or json (one JSON object per line, for collectors)",
            new OptionRule("must be console or json", value => value is Observability.ObservabilityOptions.ConsoleLogs or Observability.ObservabilityOptions.JsonLogs)),

        // Validated in PiazzaOptionsValidator without echoing the value: a connection string may hold a password.
        new("--postgres", "Postgres", "Cluster:Postgres", "PostgreSQL store shared by every node, as an Npgsql connection string (Host=…;Port=…;Username=…;Password=…;Database=…); also ConnectionStrings:Postgres", defaultText: "none: embedded SQLite in the data folder"),
        new("--redis", "Redis", "Cluster:Redis", "Redis carrying messages, presence and name claims between nodes, as a StackExchange.Redis configuration string (HOST:PORT[,password=…]); needs --postgres; also ConnectionStrings:Redis", defaultText: "none: a single node"),
        new("--node-id", "NodeId", "Cluster:NodeId", "this node's name in logs, metrics and presence (letters, digits, '.', '_' and '-', at most 64)",
            new OptionRule("must be 1 to 64 letters, digits, '.', '_' or '-'", value => Cluster.NodeIdentity.IsValid((string)value)),
            defaultText: "the host name and the native port"),
    ];

    /// <summary>Other <c>PIAZZA_</c> variables that are not options, so they draw no "unknown" warning.</summary>
    public static IReadOnlyList<string> OtherVariables { get; } = [Admin.AdminCommands.PasswordVariable, Admin.AdminOperations.TokenVariable, "PIAZZA_PASSWORD"];
}
