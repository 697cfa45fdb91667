using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Server.Cluster;
using Piazza.Server.Connections;
using Piazza.Server.Console;
using Piazza.Server.Doors.Files;
using Piazza.Server.Doors.Http;
using Piazza.Server.Doors.Irc;
using Piazza.Server.Doors.JsonLines;
using Piazza.Server.Limits;
using Piazza.Server.Observability;
using Piazza.Server.Options;
using Piazza.Server.Tls;
using Piazza.Storage.Sqlite;

namespace Piazza.Server;

/// <summary>The listeners Kestrel bound, known once the host has started (port 0 becomes a real port).</summary>
public sealed class DoorEndpoints
{
    internal ListenOptions? NativeTcp { get; set; }

    internal ListenOptions? Http { get; set; }

    internal ListenOptions? NativeTls { get; set; }

    internal ListenOptions? Https { get; set; }

    internal ListenOptions? Irc { get; set; }

    internal ListenOptions? IrcTls { get; set; }

    /// <summary>Where the plain IRC door listens; null when it is off.</summary>
    public IPEndPoint? IrcEndPoint => Irc?.EndPoint as IPEndPoint;

    /// <summary>Where the IRC door over TLS listens; null without a certificate or when it is off.</summary>
    public IPEndPoint? IrcTlsEndPoint => IrcTls?.EndPoint as IPEndPoint;

    /// <summary>Where the HTTP door (page, WebSocket, API) listens; null when it is off.</summary>
    public IPEndPoint? HttpEndPoint => Http?.EndPoint as IPEndPoint;

    /// <summary>Where the HTTPS door (page, WSS, API) listens; null without a certificate or when it is off.</summary>
    public IPEndPoint? HttpsEndPoint => Https?.EndPoint as IPEndPoint;

    /// <summary>Where the plain native TCP door listens; null with <c>--plain-tcp false</c>.</summary>
    public IPEndPoint? PlainTcpEndPoint => NativeTcp?.EndPoint as IPEndPoint;

    /// <summary>Where the native door over TLS listens; null without a certificate.</summary>
    public IPEndPoint? TlsEndPoint => NativeTls?.EndPoint as IPEndPoint;

    /// <summary>Where the native TCP door listens (plain if on, else TLS).</summary>
    public IPEndPoint NativeTcpEndPoint => PlainTcpEndPoint ?? TlsEndPoint ?? throw new InvalidOperationException("the native TCP door is not configured");
}

/// <summary>Builds the Piazza host: one Kestrel server carrying every door, the hub and the background services.</summary>
public static class PiazzaHost
{
    /// <summary>
    /// Creates the application. <paramref name="overrides"/> are configuration keys (e.g. <c>Piazza:Port</c>)
    /// that win over appsettings.json (in <paramref name="contentRoot"/>, default the program's folder) and the
    /// environment; the command line arrives this way.
    /// </summary>
    /// <exception cref="OptionsValidationException">An option is invalid; each failure names it and its rule.</exception>
    public static WebApplication Build(
        IDictionary<string, string?>? overrides = null, Action<ILoggingBuilder>? configureLogging = null, TextReader? consoleInput = null, string? contentRoot = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        IConfigurationBuilder configuration = builder.Configuration;
        configuration.Add(LabeledSource.FromEnvironment());
        if (overrides is not null)
        {
            configuration.Add(new LabeledSource(OptionOrigin.CommandLine, overrides));
        }

        var bound = OptionBinder.Bind(builder.Configuration);
        var options = WithAbsoluteFolders(WithConnectionStrings(bound.Options, builder.Configuration));
        if (new PiazzaOptionsValidator().Validate(null, options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(PiazzaOptions.SectionName, typeof(PiazzaOptions), invalid.Failures);
        }

        ConfigureLogging(builder.Logging, options.Observability.LogFormat, configureLogging);

        var endpoints = new DoorEndpoints();
        builder.Services.AddPiazzaOptions(options);
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeHealth>();
        builder.Services.AddSingleton<IHubObserver, HubActivityLog>();
        builder.Services.AddSingleton(_ => ClusterNode.CreateStore(options));
        builder.Services.AddSingleton(sp => ClusterNode.Connect(options, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ChatHub(
            sp.GetRequiredService<IChatStore>(), options.Hub, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHubObserver>(),
            sp.GetRequiredService<ClusterNode>().Ports));
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<PublicOrigins>();
        builder.Services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<IChatStore>());
        builder.Services.AddSingleton(_ => new BlobStore(options.FilesFolder));
        builder.Services.AddSingleton<UploadService>();
        builder.Services.AddSingleton(new JsonLinesEventEncoder(ServerInfo.Name, () => endpoints.HttpEndPoint?.Port, () => endpoints.HttpsEndPoint?.Port));
        builder.Services.AddSingleton(new IrcEventEncoder(options.Irc.ServerName, () => endpoints.HttpEndPoint is { } http ? $"http://{HostForLinks(options.Network.Bind, http)}" : null));
        builder.Services.AddSingleton(new IrcServerInfo(options.Irc.ServerName, options.Irc.Network, ServerInfo.Name, DateTimeOffset.UtcNow, options.Hub));
        builder.Services.AddHostedService<HeartbeatService>();
        ObservabilitySetup.AddServices(builder.Services, options.Observability);
        builder.Services.AddHostedService<Retention.RetentionJob>();
        ApiDocument.AddServices(builder.Services);
        ApiErrorPages.AddServices(builder.Services);
        Integrations.Webhooks.WebhookServices.Add(builder.Services, options.Webhooks);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(4));

        var interactive = options.Console ?? !System.Console.IsInputRedirected;
        TerminalLineReader? terminal = null;
        if (interactive || consoleInput is not null)
        {
            // On a terminal the typed line is kept under log lines; before the loggers exist, as they keep Console.Out.
            terminal = consoleInput is null ? TerminalLineReader.AttachToTerminal() : null;
            var input = consoleInput ?? terminal ?? System.Console.In;
            builder.Services.AddHostedService(sp => new OperatorConsole(
                sp.GetRequiredService<ChatHub>(),
                sp.GetRequiredService<ConnectionRegistry>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                input,
                System.Console.Out));
        }

        builder.Services.AddSingleton<ConnectionLimiter>();
        builder.Services.AddSingleton<LongLivedConnections>();
        HttpRequestLimiter.AddServices(builder.Services);
        builder.Services.AddSingleton(new HistoryReadSlots(options.Connections.HttpHistoryReadsPerConnection));
        builder.Services.AddSingleton<WebSocketSlots>();
        builder.Services.AddSingleton(sp => CreateCertificateSource(options, sp.GetRequiredService<ILoggerFactory>()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Every listener, present or future, logs under the connection's scope and is guarded by the per-address
            // limits before any protocol work.
            kestrel.ConfigureEndpointDefaults(listen => listen
                .Use(next => connection => ConnectionScope.ServeAsync(connection, next, endpoints, kestrel.ApplicationServices.GetRequiredService<ILogger<ConnectionScope>>()))
                .Use(next => connection => kestrel.ApplicationServices.GetRequiredService<ConnectionLimiter>().OnConnectionAsync(connection, next)));
            LimitHttpBuffers(kestrel.Limits, options.Connections);
            var network = options.Network;
            var address = ParseAddress(network.Bind);
            if (network.PlainTcp)
            {
                kestrel.Listen(address, network.Port, listen =>
                {
                    listen.UseConnectionHandler<JsonLinesConnectionHandler>();
                    endpoints.NativeTcp = listen;
                });
            }

            if (network.HttpPort >= 0)
            {
                kestrel.Listen(address, network.HttpPort, listen => endpoints.Http = listen);
            }

            if (options.Irc.Port >= 0)
            {
                kestrel.Listen(address, options.Irc.Port, listen =>
                {
                    listen.UseConnectionHandler<IrcConnectionHandler>();
                    endpoints.Irc = listen;
                });
            }

            if (options.Tls.Enabled)
            {
                kestrel.Listen(address, options.Tls.Port, listen =>
                {
                    UseTls(listen, kestrel, options.Tls, "tls");
                    listen.UseConnectionHandler<JsonLinesConnectionHandler>();
                    endpoints.NativeTls = listen;
                });
                if (options.Tls.HttpsPort >= 0)
                {
                    kestrel.Listen(address, options.Tls.HttpsPort, listen =>
                    {
                        UseTls(listen, kestrel, options.Tls, "https");
                        endpoints.Https = listen;
                    });
                }

                if (options.Irc.TlsPort >= 0)
                {
                    kestrel.Listen(address, options.Irc.TlsPort, listen =>
                    {
                        UseTls(listen, kestrel, options.Tls, "ircs");
                        listen.UseConnectionHandler<IrcConnectionHandler>();
                        endpoints.IrcTls = listen;
                    });
                }
            }
        });

        var app = builder.Build();
        OptionsLog.Warn(app.Services.GetRequiredService<ILoggerFactory>(), bound.Warnings);
        var hub = app.Services.GetRequiredService<ChatHub>();
        var webClient = new EmbeddedFileProvider(typeof(PiazzaHost).Assembly, "Piazza.Server.wwwroot");
        SecurityHeaders.Use(app);
        HttpErrors.UseStoreFaults(app);
        ApiErrorPages.Use(app);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webClient });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webClient });
        HttpRequestLimiter.Use(app);
        WebSocketDoor.Map(app);
        FilesEndpoints.Map(app);
        HttpApi.Map(app);
        ObservabilitySetup.Map(app);

        // Tell every client before Kestrel starts waiting for connections to end.
        app.Lifetime.ApplicationStopping.Register(() => hub.Shutdown("the server is shutting down"));
        if (terminal is not null)
        {
            app.Lifetime.ApplicationStopping.Register(terminal.Prompt.Deactivate);
        }

        return app;
    }

    /// <summary>The address file links on IRC name: the bound address, or the loopback one when bound to every address.</summary>
    private static string HostForLinks(string bind, IPEndPoint http)
        => bind is "0.0.0.0" or "*" or "::" ? $"localhost:{http.Port}" : http.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{http.Address}]:{http.Port}" : $"{http.Address}:{http.Port}";

    /// <summary>The standard <c>ConnectionStrings:Postgres</c> and <c>ConnectionStrings:Redis</c> keys, where the options leave them unset.</summary>
    private static PiazzaOptions WithConnectionStrings(PiazzaOptions options, IConfiguration configuration) => options with
    {
        Cluster = options.Cluster with
        {
            Postgres = options.Cluster.Postgres ?? configuration.GetConnectionString("Postgres"),
            Redis = options.Cluster.Redis ?? configuration.GetConnectionString("Redis"),
        },
    };

    /// <summary>
    /// Relative folders resolved once, against the working directory of the command the operator typed (never the
    /// content root), so every log line, error and <c>admin</c> names the same absolute folder.
    /// </summary>
    private static PiazzaOptions WithAbsoluteFolders(PiazzaOptions options) => options with
    {
        Data = Path.GetFullPath(options.Data),
        Files = options.Files with { Dir = options.Files.Dir is { } dir ? Path.GetFullPath(dir) : null },
    };

    /// <summary>
    /// What one HTTP connection may make Kestrel buffer, set explicitly because docs/security.md's per-connection
    /// figures rest on them: requests are paused at 1 MiB unread (HTTP/1.1) or the 1 MiB connection window (HTTP/2),
    /// each response pipe at 64 KiB, and an HTTP/2 connection has at most <see cref="ConnectionOptions.Http2MaxStreams"/>
    /// streams (Kestrel's default of 100 let one connection hold 100 answers in progress).
    /// </summary>
    private static void LimitHttpBuffers(KestrelServerLimits limits, ConnectionOptions connections)
    {
        limits.MaxRequestBufferSize = 1024 * 1024;
        limits.MaxResponseBufferSize = 64 * 1024;
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestHeaderCount = 100;
        limits.Http2.MaxStreamsPerConnection = connections.Http2MaxStreams;
        limits.Http2.InitialConnectionWindowSize = 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 768 * 1024;
        limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
        limits.Http2.HeaderTableSize = 4096;
        limits.Http2.MaxFrameSize = 16 * 1024;
    }

    /// <summary>
    /// TLS by Kestrel, with the certificate chosen per handshake (so a renewed file is picked up), AEAD-only TLS 1.2
    /// suites (<see cref="TlsCipherPolicy"/>) and a log line for
    /// a connection that never completed the handshake (a plaintext client, a scanner, an untrusting client).
    /// </summary>
    private static void UseTls(ListenOptions listen, KestrelServerOptions kestrel, TlsOptions tls, string door)
    {
        listen.Use(next => async connection =>
        {
            await next(connection).ConfigureAwait(false);
            if (!connection.Items.ContainsKey(TlsHandshakeLog.Completed))
            {
                TlsHandshakeLog.Failed(kestrel.ApplicationServices.GetRequiredService<ILogger<CertificateSource>>(), connection.RemoteEndPoint?.ToString() ?? "unknown", door);
            }
        });
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => kestrel.ApplicationServices.GetRequiredService<CertificateSource>().Current,
            HandshakeTimeout = tls.HandshakeTimeout,
            OnAuthenticate = (_, ssl) => TlsCipherPolicy.Apply(ssl),
        });
        listen.Use(next => connection =>
        {
            connection.Items[TlsHandshakeLog.Completed] = true;
            return next(connection);
        });
    }

    private static CertificateSource CreateCertificateSource(PiazzaOptions options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<CertificateSource>();
        string certificate, key;
        if (options.Tls.Cert is not null)
        {
            (certificate, key) = (options.Tls.Cert, options.Tls.Key!);
        }
        else
        {
            var made = DevCertificate.Ensure(options.Data);
            (certificate, key) = (made.Certificate, made.Key);
            if (made.Created)
            {
                TlsHandshakeLog.DevCertificateCreated(logger, Path.GetFullPath(certificate));
            }
        }

        var source = new CertificateSource(certificate, key, options.Tls.ReloadInterval, logger);
        TlsHandshakeLog.CertificateLoaded(logger, Path.GetFullPath(certificate), source.Current.Subject, source.Fingerprint);
        return source;
    }

    /// <summary>Prepares the data folder and the store, then starts every door.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<PiazzaOptions>();
        DataFolder.Prepare(options.Data, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataFolder)));
        if (options.Tls.Enabled)
        {
            // Load (or make) the certificate now, so a bad file fails the start with a clear line, not the first client.
            app.Services.GetRequiredService<CertificateSource>();
        }

        await app.Services.GetRequiredService<ChatHub>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        await app.Services.GetRequiredService<UploadService>().SweepAsync(cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IPAddress ParseAddress(string bind) => bind switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "" => IPAddress.Any,
        _ => IPAddress.TryParse(bind, out var address) ? address : throw new ArgumentException($"'{bind}' is not an IP address", nameof(bind)),
    };

    private static void ConfigureLogging(ILoggingBuilder logging, string format, Action<ILoggingBuilder>? configure)
    {
        logging.ClearProviders();
        ObservabilitySetup.AddConsoleLogs(logging, format);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);

        // A bind failure is reported by Program as one clear line; these two would repeat it with a stack trace.
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.None);
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Warning);
        configure?.Invoke(logging);
    }
}
