using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Server.Console;
using Piazza.Server.Files;
using Piazza.Server.Tcp;
using Piazza.Server.Web;
using Piazza.Storage.Sqlite;

namespace Piazza.Server;

/// <summary>The listeners Kestrel bound, known once the host has started (port 0 becomes a real port).</summary>
public sealed class DoorEndpoints
{
    internal ListenOptions? NativeTcp { get; set; }

    internal ListenOptions? Http { get; set; }

    /// <summary>Where the HTTP door (page, WebSocket, API) listens; null when it is off.</summary>
    public IPEndPoint? HttpEndPoint => Http?.EndPoint as IPEndPoint;

    /// <summary>Where the native TCP door listens.</summary>
    public IPEndPoint NativeTcpEndPoint => (IPEndPoint)(NativeTcp?.EndPoint ?? throw new InvalidOperationException("the native TCP door is not configured"));
}

/// <summary>Builds the Piazza host: one Kestrel server carrying every door, the hub and the background services.</summary>
public static class PiazzaHost
{
    /// <summary>
    /// Creates the application. <paramref name="overrides"/> are configuration keys (e.g. <c>Piazza:Port</c>)
    /// that win over appsettings.json and the environment; the command line arrives this way.
    /// </summary>
    public static WebApplication Build(IDictionary<string, string?>? overrides = null, Action<ILoggingBuilder>? configureLogging = null, TextReader? consoleInput = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(FromEnvironment());
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        var options = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        ConfigureLogging(builder.Logging, configureLogging);

        var endpoints = new DoorEndpoints();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHubObserver, HubActivityLog>();
        builder.Services.AddSingleton<IChatStore>(_ => new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(options.Data, "piazza.db") }));
        builder.Services.AddSingleton(sp => new ChatHub(
            sp.GetRequiredService<IChatStore>(), options.HubOptions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHubObserver>()));
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<IChatStore>());
        builder.Services.AddSingleton(_ => new BlobStore(options.Data));
        builder.Services.AddSingleton<UploadService>();
        builder.Services.AddSingleton(new JsonLinesEventEncoder(ServerInfo.Name, () => endpoints.HttpEndPoint?.Port));
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(4));

        var interactive = options.Console ?? !System.Console.IsInputRedirected;
        if (interactive || consoleInput is not null)
        {
            builder.Services.AddHostedService(sp => new OperatorConsole(
                sp.GetRequiredService<ChatHub>(),
                sp.GetRequiredService<ConnectionRegistry>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                consoleInput ?? System.Console.In,
                System.Console.Out));
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ParseAddress(options.Bind), options.Port, listen =>
            {
                listen.UseConnectionHandler<NativeTcpConnectionHandler>();
                endpoints.NativeTcp = listen;
            });
            if (options.HttpPort >= 0)
            {
                kestrel.Listen(ParseAddress(options.Bind), options.HttpPort, listen => endpoints.Http = listen);
            }
        });

        var app = builder.Build();
        var hub = app.Services.GetRequiredService<ChatHub>();
        var webClient = new EmbeddedFileProvider(typeof(PiazzaHost).Assembly, "Piazza.Server.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webClient });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webClient });
        WebSocketDoor.Map(app);
        FilesEndpoints.Map(app);
        HttpApi.Map(app);
        app.MapGet("/healthz", () => Results.Text("ok\n"));

        // Tell every client before Kestrel starts waiting for connections to end.
        app.Lifetime.ApplicationStopping.Register(() => hub.Shutdown("the server is shutting down"));
        return app;
    }

    /// <summary>Maps <c>PIAZZA_PORT=7171</c> to the key <c>Piazza:PORT</c> (keys are case-insensitive).</summary>
    private static Dictionary<string, string?> FromEnvironment()
    {
        const string Prefix = "PIAZZA_";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && key.Length > Prefix.Length)
            {
                settings[$"{ServerOptions.SectionName}:{key[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}"] = entry.Value as string;
            }
        }

        return settings;
    }

    /// <summary>Prepares the data folder and the store, then starts every door.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        Directory.CreateDirectory(app.Services.GetRequiredService<ServerOptions>().Data);
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

    private static void ConfigureLogging(ILoggingBuilder logging, Action<ILoggingBuilder>? configure)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Default;
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);

        // A bind failure is reported by Program as one clear line; these two would repeat it with a stack trace.
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.None);
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Warning);
        configure?.Invoke(logging);
    }
}
