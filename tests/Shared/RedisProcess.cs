using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Piazza.Tests.Shared;

/// <summary>
/// A real redis-server for a test: on a free loopback port, no persistence (a restart comes back empty, as the cluster
/// must survive), killed at the end. <see cref="KillAsync"/> and <see cref="RestartAsync"/> inject Redis faults.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts redis-server and returns once it accepts connections.</summary>
    public static async Task<RedisProcess> StartAsync()
    {
        var redis = new RedisProcess(FreePort());
        await redis.LaunchAsync();
        return redis;
    }

    /// <summary>SIGKILL: every client's link drops at once and the data is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(StartTimeout);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Kills and starts again on the same port, empty.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task LaunchAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install the Debian package 'redis-server' (apt-get install -y redis-server)");
        }

        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process = process;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited).WaitAsync(StartTimeout) != ready.Task)
        {
            throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before listening on port {Port}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
