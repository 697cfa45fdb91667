using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Server;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>A real Piazza server on 127.0.0.1, port 0, in this process, with its own data folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        EndPoint = app.Services.GetRequiredService<DoorEndpoints>().NativeTcpEndPoint;
        HttpEndPoint = app.Services.GetRequiredService<DoorEndpoints>().HttpEndPoint;
        TlsEndPoint = app.Services.GetRequiredService<DoorEndpoints>().TlsEndPoint;
        HttpsEndPoint = app.Services.GetRequiredService<DoorEndpoints>().HttpsEndPoint;
        IrcEndPoint = app.Services.GetRequiredService<DoorEndpoints>().IrcEndPoint;
        IrcTlsEndPoint = app.Services.GetRequiredService<DoorEndpoints>().IrcTlsEndPoint;
    }

    /// <summary>The native door over TLS; null unless the server was started with a certificate.</summary>
    public IPEndPoint? TlsEndPoint { get; }

    /// <summary>The HTTPS door; null unless the server was started with a certificate.</summary>
    public IPEndPoint? HttpsEndPoint { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>The IRC door; null when a test turned it off.</summary>
    public IPEndPoint? IrcEndPoint { get; }

    /// <summary>The IRC door over TLS; null unless the server was started with a certificate.</summary>
    public IPEndPoint? IrcTlsEndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>The HTTP door (web page, /ws, /api).</summary>
    public IPEndPoint? HttpEndPoint { get; }

    public Uri HttpBase => new($"http://127.0.0.1:{HttpEndPoint!.Port}/");

    public string DataDirectory { get; }

    public ChatHub Hub => _app.Services.GetRequiredService<ChatHub>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server with the test defaults (<see cref="TestServerOptions"/>).</summary>
    public static Task<TestServer> StartAsync() => StartAsync(new TestServerOptions());

    /// <summary>Starts a server configured by <paramref name="options"/>.</summary>
    public static Task<TestServer> StartAsync(TestServerOptions options)
        => StartInAsync(NewDataDirectory(), null, Settings(options));

    /// <summary>Starts a server whose log lines go to <paramref name="log"/> (for tests that check what is logged).</summary>
    public static Task<TestServer> StartLoggingAsync(CapturedLog log, TestServerOptions options)
        => StartInAsync(NewDataDirectory(), log, Settings(options));

    /// <summary>Starts a logging server on a given data folder (existing or not).</summary>
    public static Task<TestServer> StartLoggingInAsync(string data, CapturedLog log, TestServerOptions options)
        => StartInAsync(data, log, Settings(options));

    /// <summary>Starts a server on an existing data folder (a restart keeps its database).</summary>
    public static Task<TestServer> StartInAsync(string data, TestServerOptions options)
        => StartInAsync(data, null, Settings(options));

    /// <summary>Starts a server; <paramref name="settings"/> are raw <c>Piazza:*</c> keys over the test defaults, e.g. ("IdleTimeout", "00:00:01").</summary>
    public static Task<TestServer> StartAsync(params (string Key, string Value)[] settings)
        => StartInAsync(NewDataDirectory(), null, [.. Settings(new TestServerOptions()), .. settings]);

    /// <summary>Starts a logging server with raw <c>Piazza:*</c> keys over the test defaults.</summary>
    public static Task<TestServer> StartLoggingAsync(CapturedLog log, params (string Key, string Value)[] settings)
        => StartInAsync(NewDataDirectory(), log, [.. Settings(new TestServerOptions()), .. settings]);

    /// <summary>Starts a server on an existing data folder with raw <c>Piazza:*</c> keys over the test defaults.</summary>
    public static Task<TestServer> StartInAsync(string data, params (string Key, string Value)[] settings)
        => StartInAsync(data, null, [.. Settings(new TestServerOptions()), .. settings]);

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "piazza-test-" + Guid.NewGuid().ToString("N"));

    private static (string Key, string Value)[] Settings(TestServerOptions options) => [.. options.ToSettings()];

    private static async Task<TestServer> StartInAsync(string data, CapturedLog? log, (string Key, string Value)[] settings)
    {
        // The server creates a missing folder itself (owner-only), as it does in production.
        var overrides = new Dictionary<string, string?>
        {
            ["Piazza:Bind"] = "127.0.0.1",
            ["Piazza:Port"] = "0",
            ["Piazza:Data"] = data,
            ["Piazza:Console"] = "false",
            ["Piazza:HttpPort"] = "0",
            ["Piazza:IrcPort"] = "0",
            ["Piazza:IrcTlsPort"] = "0",

            // Tests create many accounts; the production cost (600,000) is covered by its own test.
            ["Piazza:PasswordIterations"] = "1000",
        };
        foreach (var (key, value) in settings)
        {
            overrides["Piazza:" + key] = value;
        }

        // No console logging: dozens of in-process servers writing to one captured stdout only add contention.
        var app = PiazzaHost.Build(overrides, logging =>
        {
            logging.ClearProviders();
            if (log is not null)
            {
                logging.AddProvider(log);
            }
        });
        await PiazzaHost.StartAsync(app);
        return new TestServer(app, data);
    }

    /// <summary>Stops the server gracefully (clients get <c>shutdown</c>).</summary>
    public async Task StopAsync() => await _app.StopAsync();

    /// <summary>Stops the server but keeps its data folder, for a restart with <see cref="StartInAsync"/>.</summary>
    public async Task StopKeepingDataAsync()
    {
        KeepData = true;
        await DisposeAsync();
    }

    private bool KeepData { get; set; }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (KeepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still open is harmless in a temp folder
        }
    }
}
