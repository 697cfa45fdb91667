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
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public string DataDirectory { get; }

    public ChatHub Hub => _app.Services.GetRequiredService<ChatHub>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="settings"/> are extra <c>Piazza:*</c> keys, e.g. ("IdleTimeout", "00:00:01").</summary>
    public static async Task<TestServer> StartAsync(params (string Key, string Value)[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var overrides = new Dictionary<string, string?>
        {
            ["Piazza:Bind"] = "127.0.0.1",
            ["Piazza:Port"] = "0",
            ["Piazza:Data"] = data,
            ["Piazza:Console"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            overrides["Piazza:" + key] = value;
        }

        var app = PiazzaHost.Build(overrides, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new TestServer(app, data);
    }

    /// <summary>Stops the server gracefully (clients get <c>shutdown</c>).</summary>
    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
