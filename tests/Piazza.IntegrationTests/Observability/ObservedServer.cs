using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Observability;

/// <summary>
/// The real executable in its own process, for what one process shows alone: its meters (process-wide, so in-process
/// servers would add into each other's counters) and its stdout (the log format). Every stdout line is kept.
/// </summary>
public sealed partial class ObservedServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private volatile bool _ended;
    private readonly string _data;
    private Task _reading = Task.CompletedTask;

    private ObservedServer(Process process, string data)
    {
        _process = process;
        _data = data;
    }

    public int TcpPort { get; private set; }

    public Uri HttpBase { get; private set; } = null!;

    /// <summary>Every line the server wrote to stdout so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public static async Task<ObservedServer> StartAsync(params string[] more)
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-observed-" + Guid.NewGuid().ToString("N"));
        var info = ServerProcess.Describe(["--port", "0", "--bind", "127.0.0.1", "--data", data, "--console", "false", .. more]);
        info.Environment["PIAZZA_PASSWORDITERATIONS"] = "1000";
        var server = new ObservedServer(Process.Start(info)!, data);
        _ = server._process.StandardError.ReadToEndAsync();
        server._reading = server.ReadLinesAsync();
        using var deadline = new CancellationTokenSource(StartTimeout);
        var tcp = await server.WaitForLineAsync(line => TcpLine().IsMatch(line), deadline.Token);
        var http = await server.WaitForLineAsync(line => HttpLine().IsMatch(line), deadline.Token);
        server.TcpPort = int.Parse(TcpLine().Match(tcp).Groups[1].Value, CultureInfo.InvariantCulture);
        server.HttpBase = new Uri($"http://127.0.0.1:{HttpLine().Match(http).Groups[1].Value}/");
        return server;
    }

    /// <summary>Waits until some line satisfies <paramref name="match"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await WaitForLineAsync(match, deadline.Token);
    }

    private async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (_ended)
            {
                throw new InvalidOperationException("the server exited; it wrote:\n" + string.Join('\n', _lines));
            }

            try
            {
                await _arrived.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no such line; the server wrote:\n" + string.Join('\n', _lines));
            }
        }
    }

    private async Task ReadLinesAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            _lines.Enqueue(line);
            _arrived.Release();
        }

        _ended = true;
        _arrived.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // The reader releases the semaphore for every line: it must have seen the end of stdout before that is disposed.
        await _reading.WaitAsync(StartTimeout);
        _process.Dispose();
        _arrived.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // a temporary folder; the next boot clears it
        }
    }

    [GeneratedRegex(@"listening on tcp://[^:]+:(\d+)")]
    private static partial Regex TcpLine();

    [GeneratedRegex(@"Web client on http://[^/]+:(\d+)/")]
    private static partial Regex HttpLine();
}
