using System.Diagnostics;
using System.Globalization;
using System.Net;
using Piazza.Bench.Targets;

namespace Piazza.Bench.Scenarios;

/// <summary>What the idle-connections scenario measured.</summary>
internal sealed record ConnsResult(int Connections, long RssBeforeKiB, long RssAfterKiB, double SetupSeconds, FrameTally Tally, long FramesWhenWelcomed)
{
    public double KiBPerConnection => (double)(RssAfterKiB - RssBeforeKiB) / Connections;
}

/// <summary>
/// Opens C idle native connections (each welcomed) and reads the server's VmRSS from /proc before and after.
/// The connections keep reading (and discarding) so the server's join announcements never pile up.
/// </summary>
internal static class ConnsScenario
{
    public static async Task<ConnsResult> RunAsync(int port, int connections, int serverPid, double settleSeconds, int concurrency, TextWriter log, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var runId = RunId.Next();
        var before = ReadRssKiB(serverPid);
        var opened = new PiazzaConnection?[connections];
        var tally = new FrameTally();
        try
        {
            var setup = Stopwatch.StartNew();
            using (var gate = new SemaphoreSlim(concurrency))
            {
                await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        opened[i] = await PiazzaConnection.ConnectAsync(endPoint, $"c{i}-{runId}", null, null, cancellationToken, tally).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            var setupSeconds = setup.Elapsed.TotalSeconds;
            var framesWhenWelcomed = tally.Frames;
            await log.WriteLineAsync($"  {connections} connections welcomed in {setupSeconds:0.0} s; settling {settleSeconds:0.#} s").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(settleSeconds), cancellationToken).ConfigureAwait(false);
            return new ConnsResult(connections, before, ReadRssKiB(serverPid), setupSeconds, tally, framesWhenWelcomed);
        }
        finally
        {
            foreach (var connection in opened)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>VmRSS of a process in KiB, from /proc/&lt;pid&gt;/status.</summary>
    public static long ReadRssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }
}
