using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Piazza.Tests.Shared;

/// <summary>
/// A real redis-server on a free loopback port, no persistence (a restart starts empty, as a replaced cache node
/// does). <see cref="KillAsync"/> is SIGKILL; <see cref="RestartAsync"/> brings it back on the same port, so clients
/// configured with <see cref="Configuration"/> reconnect by themselves.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private ChildProcess? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string (what <c>--redis</c> takes).</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's last output lines, for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? "";

    /// <summary>Starts redis-server on a free port; fails with the apt package to install when the binary is missing.</summary>
    public static async Task<RedisProcess> StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install the Debian package redis-server (apt-get install -y redis-server)");
        }

        var redis = new RedisProcess(FreePort.Next());
        await redis.StartProcessAsync().ConfigureAwait(false);
        return redis;
    }

    /// <summary>SIGKILL: connections drop at once, every key and subscription is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.KillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts it again on the same port (killing it first if it runs); returns once it answers PING.</summary>
    public async Task RestartAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        await StartProcessAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Binary);
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = ChildProcess.Start(info);
        await _process.WaitForLineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), StartTimeout, "accepting connections").ConfigureAwait(false);
        await PingAsync().ConfigureAwait(false);
    }

    private async Task PingAsync()
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await tcp.ConnectAsync("127.0.0.1", Port, timeout.Token).ConfigureAwait(false);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
        var buffer = new byte[7];
        var read = await stream.ReadAtLeastAsync(buffer, 7, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        if (answer != "+PONG\r\n")
        {
            throw new InvalidOperationException($"redis-server on port {Port} answered PING with '{answer}'; its output:\n{RecentOutput}");
        }
    }
}
