using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Server;
using Piazza.Server.Doors.Http;

namespace Piazza.Bench.Scenarios;

/// <summary>What one door's attackers made the server hold.</summary>
internal sealed record DoorMemory(string Door, int Connections, int Holding, long HeapBytes, long WorkingSetBytes)
{
    public double HeapKiBPerConnection => HeapBytes / 1024.0 / Connections;

    public double WorkingSetKiBPerConnection => WorkingSetBytes / 1024.0 / Connections;
}

/// <summary>
/// The worst-case memory one connection can make the server hold, door by door. The real server (production limits,
/// except the per-address connection rate, so the bench can open its connections at once) runs in this process on a
/// data folder seeded with a lobby of long messages; C attackers per door ask for as much as the server will buffer
/// and never read (<see cref="MemoryAttackers"/>). Growth of the managed heap after full collections, divided by C,
/// is the figure; the working set is printed beside it.
/// </summary>
internal static class MemoryScenario
{
    private const string User = "attacker";
    private const string Password = "correct horse battery";

    public static async Task<IReadOnlyList<DoorMemory>> RunAsync(int connections, int messages, int textBytes, int historyLimit, double settleSeconds, TextWriter log, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("piazza-bench-memory-").FullName;
        try
        {
            await Seeder.RunAsync(data, User, Password, messages, messages, textBytes, TextWriter.Null, cancellationToken).ConfigureAwait(false);
            var app = PiazzaHost.Build(
                new Dictionary<string, string?>
                {
                    ["Piazza:Bind"] = "127.0.0.1",
                    ["Piazza:Port"] = "0",
                    ["Piazza:HttpPort"] = "0",
                    ["Piazza:TlsPort"] = "0",
                    ["Piazza:HttpsPort"] = "0",
                    ["Piazza:DevTls"] = "true",
                    ["Piazza:Data"] = data,
                    ["Piazza:Console"] = "false",
                    ["Piazza:ConnectionsPerSecondPerAddress"] = "0",

                    // Read rates off: all attackers share one account, and the figure is what memory bounds allow,
                    // not what the rate limits happen to leave (an attacker with time and accounts gets there too).
                    ["Piazza:Hub:Flood:ReadsPerSecond"] = "0",
                    ["Piazza:Hub:Flood:AccountReadsPerSecond"] = "0",
                },
                logging => logging.ClearProviders());
            await using (app.ConfigureAwait(false))
            {
                await PiazzaHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
                var doors = app.Services.GetRequiredService<DoorEndpoints>();
                var token = await LoginAsync(doors.HttpEndPoint!, cancellationToken).ConfigureAwait(false);
                var hub = app.Services.GetRequiredService<ChatHub>();
                var slots = app.Services.GetRequiredService<HistoryReadSlots>();
                var http2Streams = app.Services.GetRequiredService<Piazza.Server.Options.PiazzaOptions>().Connections.Http2MaxStreams;
                await log.WriteLineAsync($"  lobby of {messages} messages of {textBytes} bytes; {connections} attackers per door").ConfigureAwait(false);

                // The line doors drop a connection whose outbox overflows: find, with one probe, how many history
                // requests a never-reading connection can make without being dropped, and send two fewer.
                var nativeFrames = await ProbeAsync((n, c) => MemoryAttackers.NativeAsync(doors.NativeTcpEndPoint, token, n, historyLimit, c), () => hub.Sessions.Count, historyLimit, cancellationToken).ConfigureAwait(false);
                var webSocketFrames = await ProbeAsync((n, c) => MemoryAttackers.WebSocketAsync(doors.HttpEndPoint!, token, n, historyLimit, c), () => hub.Sessions.Count, historyLimit, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync($"  a never-reading line connection survives {Survived(nativeFrames)} (native) / {Survived(webSocketFrames)} (WebSocket) history requests of {historyLimit}; attackers send 2 fewer").ConfigureAwait(false);
                var results = new List<DoorMemory>
                {
                    await MeasureAsync("native-tcp", connections, () => hub.Sessions.Count, async c => await MemoryAttackers.NativeAsync(doors.NativeTcpEndPoint, token, Math.Max(0, nativeFrames - 2), historyLimit, c).ConfigureAwait(false), settleSeconds, cancellationToken).ConfigureAwait(false),
                    await MeasureAsync("websocket", connections, () => hub.Sessions.Count, async c => await MemoryAttackers.WebSocketAsync(doors.HttpEndPoint!, token, Math.Max(0, webSocketFrames - 2), historyLimit, c).ConfigureAwait(false), settleSeconds, cancellationToken).ConfigureAwait(false),
                    await MeasureAsync("http1.1", connections, () => slots.InProgress, c => MemoryAttackers.Http1Async(doors.HttpEndPoint!, token, ChatHub.MaxHistoryLimit, c), settleSeconds, cancellationToken).ConfigureAwait(false),
                    await MeasureAsync("http2", connections, () => slots.InProgress, c => MemoryAttackers.Http2Async(doors.HttpsEndPoint!, token, http2Streams, ChatHub.MaxHistoryLimit, c), settleSeconds, cancellationToken).ConfigureAwait(false),
                };
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
                return results;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder; a file still open is harmless
            }
        }
    }

    private static async Task<DoorMemory> MeasureAsync(string door, int connections, Func<int> holding, Func<CancellationToken, Task<IAsyncDisposable>> attack, double settleSeconds, CancellationToken cancellationToken)
    {
        var (heapBefore, setBefore) = Measure();
        var attackers = new List<IAsyncDisposable>();
        try
        {
            attackers.AddRange(await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => attack(cancellationToken))).ConfigureAwait(false));

            // Let the server do everything it will for them (reads, encoding, writes until the sockets are full).
            await Task.Delay(TimeSpan.FromSeconds(settleSeconds), cancellationToken).ConfigureAwait(false);
            var (heapAfter, setAfter) = Measure();
            return new DoorMemory(door, connections, holding(), heapAfter - heapBefore, setAfter - setBefore);
        }
        finally
        {
            foreach (var attacker in attackers)
            {
                await attacker.DisposeAsync().ConfigureAwait(false);
            }

            var quiet = Stopwatch.StartNew();
            while (holding() > 0 && quiet.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Survived(int frames) => frames >= ProbeCap ? $"all {ProbeCap} (the probe's cap: the frame burst)" : $"{frames}";

    /// <summary>Most history requests a probe sends: the frame burst, so the frame limit never drops it.</summary>
    private const int ProbeCap = 58;

    /// <summary>History requests one never-reading connection makes, one every 300 ms, before the server drops it (at most <see cref="ProbeCap"/>).</summary>
    private static async Task<int> ProbeAsync(Func<int, CancellationToken, Task<MemoryAttackers.LineAttacker>> connect, Func<int> sessions, int limit, CancellationToken cancellationToken)
    {
        var probe = await connect(0, cancellationToken).ConfigureAwait(false);
        await using (probe.ConfigureAwait(false))
        {
            var clock = Stopwatch.StartNew();
            while (sessions() == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            for (var frames = 1; frames <= ProbeCap; frames++)
            {
                try
                {
                    await probe.SendHistoryAsync(1, limit, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException)
                {
                    return frames - 1;
                }

                await Task.Delay(MemoryAttackers.Pace, cancellationToken).ConfigureAwait(false);
                if (sessions() == 0)
                {
                    return frames - 1;
                }
            }

            return ProbeCap;
        }
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static async Task<string> LoginAsync(IPEndPoint http, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http.Port}/") };
        using var response = await client.PostAsJsonAsync("api/login", new { user = User, password = Password }, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return body["token"]!.GetValue<string>();
    }

    public static string Describe(DoorMemory r) => string.Create(
        CultureInfo.InvariantCulture,
        $"  {r.Door,-10}  {r.Connections} connections, {r.Holding} still held   heap {r.HeapBytes / 1024.0 / 1024:0.0} MiB = {r.HeapKiBPerConnection:N0} KiB per connection   working set {r.WorkingSetKiBPerConnection:N0} KiB per connection");
}
