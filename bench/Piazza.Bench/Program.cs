using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Piazza.Bench.Micro;
using Piazza.Bench.Scenarios;

// Load generator for Piazza's native protocol (and Redis pub/sub for context). Loopback only: every
// connection goes to 127.0.0.1; only the port is configurable. Each scenario prints a human summary
// and one "RESULT key=value ..." line that bench/run.sh aggregates.
// `micro [BenchmarkDotNet arguments]` runs the in-process micro-benchmarks instead (bench/Piazza.Bench/Micro).
if (args is ["micro", .. var benchmarkArguments])
{
    return MicroBenchmarks.Run(benchmarkArguments);
}

var target = new Option<string>("--target") { Description = "piazza (native protocol), redis (RESP pub/sub) or irc (any IRC server: a channel, PRIVMSG)", DefaultValueFactory = _ => "piazza" };
target.AcceptOnlyFromAmong("piazza", "redis", "irc");
var port = new Option<int?>("--port") { Description = "port on 127.0.0.1 (default 7070 for piazza, 6379 for redis, 6667 for irc)" };
var nodes = new Option<string?>("--nodes") { Description = "comma-separated ports of a cluster's nodes on 127.0.0.1 (piazza only): members are spread over them round-robin; overrides --port" };
var receivers = new Option<int>("--receivers", "-r") { Description = "members that only listen", DefaultValueFactory = _ => 100 };
var senders = new Option<int>("--senders", "-s") { Description = "members that send (they hear the room too)", DefaultValueFactory = _ => 1 };
var window = new Option<int>("--window", "-w") { Description = "most un-acknowledged sends per sender", DefaultValueFactory = _ => 64 };
var rate = new Option<double>("--rate") { Description = "total messages per second over all senders", DefaultValueFactory = _ => 2000 };
var duration = new Option<double>("--duration", "-d") { Description = "seconds measured", DefaultValueFactory = _ => 10 };
var warmup = new Option<double>("--warmup") { Description = "seconds of load before measuring", DefaultValueFactory = _ => 2 };
var size = new Option<int>("--size") { Description = "message text size in bytes", DefaultValueFactory = _ => 64 };
var connections = new Option<int>("--connections", "-c") { Description = "idle connections to open", DefaultValueFactory = _ => 5000 };
var serverPid = new Option<int>("--server-pid") { Description = "pid of the server process whose VmRSS is read", Required = true };
var settle = new Option<double>("--settle") { Description = "seconds to wait after the last welcome before reading RSS", DefaultValueFactory = _ => 3 };

var fanout = new Command("fanout", "R receivers and S senders in one room, each sender keeping W sends in flight: deliveries/s and loss check")
{
    target, port, nodes, receivers, senders, window, duration, warmup, size,
};
fanout.SetAction(async (parse, cancellationToken) =>
{
    var settings = LoadFrom(parse) with { Window = parse.GetValue(window) };
    Console.WriteLine($"fanout target={settings.Target} nodes={Math.Max(1, settings.NodePorts.Count)} R={settings.Receivers} S={settings.Senders} W={settings.Window} D={settings.Duration}s size={settings.MessageBytes}");
    var result = await LoadRun.RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);
    Console.WriteLine(Invariant($"  deliveries/s {result.DeliveriesPerSecond:N0}   sent/s {result.SentPerSecond:N0}   sent {result.TotalSent:N0}   delivered {result.TotalDelivered:N0}"));
    Console.WriteLine($"  lost {result.Lost}   seq gaps {result.SeqGaps}   disconnected {result.Disconnected}   rejected {result.Rejected}");
    Console.WriteLine(Invariant(
        $"RESULT scenario=fanout target={settings.Target} nodes={Math.Max(1, settings.NodePorts.Count)} receivers={settings.Receivers} senders={settings.Senders} window={settings.Window} deliveries_per_s={result.DeliveriesPerSecond:0} sent_per_s={result.SentPerSecond:0} lost={result.Lost} seq_gaps={result.SeqGaps} disconnected={result.Disconnected} rejected={result.Rejected}"));
    return result.Lost == 0 && result.Disconnected == 0 ? 0 : 1;
});

var latency = new Command("latency", "a fixed total send rate into a room of R receivers: send→receive latency percentiles at receivers")
{
    target, port, nodes, receivers, senders, rate, duration, warmup, size,
};
latency.SetAction(async (parse, cancellationToken) =>
{
    var settings = LoadFrom(parse) with { Rate = parse.GetValue(rate) };
    Console.WriteLine($"latency target={settings.Target} nodes={Math.Max(1, settings.NodePorts.Count)} R={settings.Receivers} S={settings.Senders} rate={settings.Rate}/s D={settings.Duration}s size={settings.MessageBytes}");
    var result = await LoadRun.RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);
    var samples = result.Latencies;
    var p50 = Percentile(samples, 0.50);
    var p99 = Percentile(samples, 0.99);
    var p999 = Percentile(samples, 0.999);
    var max = samples.Length == 0 ? double.NaN : ToMilliseconds(samples[^1]);
    Console.WriteLine(Invariant($"  samples {samples.Length:N0}   p50 {p50:0.000} ms   p99 {p99:0.000} ms   p99.9 {p999:0.000} ms   max {max:0.000} ms"));
    Console.WriteLine(Invariant($"  sent/s {result.SentPerSecond:N0}   deliveries/s {result.DeliveriesPerSecond:N0}   lost {result.Lost}   seq gaps {result.SeqGaps}   disconnected {result.Disconnected}"));
    Console.WriteLine(Invariant(
        $"RESULT scenario=latency target={settings.Target} nodes={Math.Max(1, settings.NodePorts.Count)} receivers={settings.Receivers} senders={settings.Senders} rate={settings.Rate:0} p50_ms={p50:0.000} p99_ms={p99:0.000} p999_ms={p999:0.000} max_ms={max:0.000} samples={samples.Length} sent_per_s={result.SentPerSecond:0} lost={result.Lost} disconnected={result.Disconnected}"));
    return result.Lost == 0 && result.Disconnected == 0 ? 0 : 1;
});

var conns = new Command("conns", "open C idle native connections (each says hello) and report the server's RSS per connection")
{
    port, connections, serverPid, settle,
};
conns.SetAction(async (parse, cancellationToken) =>
{
    var count = parse.GetValue(connections);
    var pid = parse.GetValue(serverPid);
    Console.WriteLine($"conns C={count} server pid {pid}");
    var result = await ConnsScenario.RunAsync(parse.GetValue(port) ?? 7070, count, pid, parse.GetValue(settle), concurrency: 64, Console.Out, cancellationToken).ConfigureAwait(false);
    Console.WriteLine(Invariant($"  VmRSS before {result.RssBeforeKiB / 1024.0:0.0} MiB   after {result.RssAfterKiB / 1024.0:0.0} MiB   per connection {result.KiBPerConnection:0.0} KiB"));
    var tally = result.Tally;
    Console.WriteLine(Invariant($"  frames to the others after their welcomes: {tally.Frames} ({tally.Bytes / 1048576.0:0.0} MiB; joined {tally.Joined}, left {tally.Left}, presence {tally.Presence}); {result.FramesWhenWelcomed} of them by the time all were welcomed"));
    Console.WriteLine(Invariant(
        $"RESULT scenario=conns target=piazza connections={count} rss_before_mib={result.RssBeforeKiB / 1024.0:0.0} rss_after_mib={result.RssAfterKiB / 1024.0:0.0} kib_per_conn={result.KiBPerConnection:0.0} setup_s={result.SetupSeconds:0.0} frames={tally.Frames} frames_mib={tally.Bytes / 1048576.0:0.0} joined={tally.Joined} presence={tally.Presence}"));
    return 0;
});

var ownRooms = new Option<bool>("--own-rooms") { Description = "each sender sends into a room of its own (no fan-out) instead of all into the lobby" };
var insert = new Command("insert", "S senders (no extra receivers) keep W sends each in flight into one room: acknowledged (durable) sends/s")
{
    port, nodes, senders, window, duration, warmup, size, ownRooms,
};
insert.SetAction(async (parse, cancellationToken) =>
{
    var settings = LoadFrom(parse) with { Target = "piazza", Port = parse.GetValue(port) ?? 7070, Receivers = 0, Window = parse.GetValue(window), OwnRooms = parse.GetValue(ownRooms) };
    var rooms = settings.OwnRooms ? "own" : "one";
    Console.WriteLine($"insert target=piazza S={settings.Senders} W={settings.Window} rooms={rooms} D={settings.Duration}s size={settings.MessageBytes}");
    var result = await LoadRun.RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);

    // Little's law: every sender keeps W sends in flight, so the mean time from write to ok is S*W / rate.
    var inFlightMs = result.SentPerSecond > 0 ? settings.Senders * settings.Window * 1000.0 / result.SentPerSecond : double.NaN;
    Console.WriteLine(Invariant($"  acked sends/s {result.SentPerSecond:N0}   mean write→ok {inFlightMs:0.00} ms   deliveries/s {result.DeliveriesPerSecond:N0}   sent {result.TotalSent:N0}"));
    Console.WriteLine($"  lost {result.Lost}   seq gaps {result.SeqGaps}   disconnected {result.Disconnected}   rejected {result.Rejected}");
    Console.WriteLine(Invariant(
        $"RESULT scenario=insert target=piazza senders={settings.Senders} window={settings.Window} rooms={rooms} acked_per_s={result.SentPerSecond:0} mean_ack_ms={inFlightMs:0.000} deliveries_per_s={result.DeliveriesPerSecond:0} lost={result.Lost} seq_gaps={result.SeqGaps} disconnected={result.Disconnected} rejected={result.Rejected}"));
    return result.Lost == 0 && result.Disconnected == 0 && result.Rejected == 0 ? 0 : 1;
});

var data = new Option<string>("--data") { Description = "the server's data folder (the store is <data>/piazza.db)", Required = true };
var user = new Option<string>("--user") { Description = "the registered account used by seed and history", DefaultValueFactory = _ => "historian" };
var password = new Option<string>("--password") { Description = "its password", DefaultValueFactory = _ => "bench-password" };
var messages = new Option<long>("--messages", "-n") { Description = "messages appended to the lobby", DefaultValueFactory = _ => 1_000_000 };
var batch = new Option<int>("--batch") { Description = "messages per AppendAsync (one transaction each)", DefaultValueFactory = _ => 5000 };
var seed = new Command("seed", "write lobby messages, the lobby and one account straight into <data>/piazza.db (no server running)")
{
    data, user, password, messages, batch, size,
};
seed.SetAction(async (parse, cancellationToken) =>
{
    var folder = parse.GetValue(data)!;
    var count = parse.GetValue(messages);
    Console.WriteLine(Invariant($"seed {folder}/piazza.db: {count:N0} lobby messages in batches of {parse.GetValue(batch):N0}, account {parse.GetValue(user)}"));
    var result = await Seeder.RunAsync(folder, parse.GetValue(user)!, parse.GetValue(password)!, count, parse.GetValue(batch), parse.GetValue(size), Console.Out, cancellationToken).ConfigureAwait(false);
    Console.WriteLine(Invariant($"  seq {result.FirstSeq:N0}..{result.LastSeq:N0} in {result.Seconds:0.0} s ({count / result.Seconds:N0} msg/s); database {result.DatabaseBytes / 1048576.0:0} MiB"));
    Console.WriteLine(Invariant($"RESULT scenario=seed messages={count} last_seq={result.LastSeq} seconds={result.Seconds:0.0} per_s={count / result.Seconds:0} db_mib={result.DatabaseBytes / 1048576.0:0}"));
    return 0;
});

var requests = new Option<int>("--requests", "-n") { Description = "measured requests of each kind (random before, latest)", DefaultValueFactory = _ => 1000 };
var limit = new Option<int>("--limit") { Description = "messages per page", DefaultValueFactory = _ => 50 };
var historyWarmup = new Option<int>("--warmup-requests") { Description = "requests of each kind before measuring", DefaultValueFactory = _ => 200 };
var history = new Command("history", "a registered client fetches lobby history pages one at a time: round-trip percentiles")
{
    port, user, password, requests, limit, historyWarmup,
};
history.SetAction(async (parse, cancellationToken) =>
{
    var n = parse.GetValue(requests);
    Console.WriteLine($"history target=piazza N={n} limit={parse.GetValue(limit)}");
    var results = await HistoryScenario.RunAsync(parse.GetValue(port) ?? 7070, parse.GetValue(user)!, parse.GetValue(password)!, n, parse.GetValue(limit), parse.GetValue(historyWarmup), Console.Out, cancellationToken).ConfigureAwait(false);
    foreach (var r in results)
    {
        var p50 = Percentile(r.Ticks, 0.50);
        var p99 = Percentile(r.Ticks, 0.99);
        var max = r.Ticks.Length == 0 ? double.NaN : ToMilliseconds(r.Ticks[^1]);
        var mean = r.Ticks.Length == 0 ? double.NaN : ToMilliseconds((long)r.Ticks.Average());
        Console.WriteLine(Invariant($"  {r.Kind,-6}  p50 {p50:0.000} ms   p99 {p99:0.000} ms   max {max:0.000} ms   mean {mean:0.000} ms   ({1000 / mean:N0} pages/s sequentially)"));
        Console.WriteLine(Invariant($"RESULT scenario=history kind={r.Kind} requests={r.Ticks.Length} limit={parse.GetValue(limit)} p50_ms={p50:0.000} p99_ms={p99:0.000} max_ms={max:0.000} mean_ms={mean:0.000}"));
    }

    return 0;
});

var memoryConnections = new Option<int>("--connections", "-c") { Description = "attacking connections per door", DefaultValueFactory = _ => 20 };
var memoryMessages = new Option<int>("--messages") { Description = "lobby messages seeded", DefaultValueFactory = _ => 500 };
var memorySize = new Option<int>("--size") { Description = "message text size in bytes", DefaultValueFactory = _ => 4000 };
var historyLimit = new Option<int>("--history-limit") { Description = "messages per line-door history request", DefaultValueFactory = _ => 25 };
var memorySettle = new Option<double>("--settle") { Description = "seconds the server gets to buffer all it will before measuring", DefaultValueFactory = _ => 3 };
var memory = new Command("memory", "an in-process server with production limits: the most memory one never-reading connection makes it hold, per door (native TCP, WebSocket, HTTP/1.1, HTTP/2)")
{
    memoryConnections, memoryMessages, memorySize, historyLimit, memorySettle,
};
memory.SetAction(async (parse, cancellationToken) =>
{
    Console.WriteLine(Invariant($"memory {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}"));
    var results = await MemoryScenario.RunAsync(
        parse.GetValue(memoryConnections), parse.GetValue(memoryMessages), parse.GetValue(memorySize), parse.GetValue(historyLimit), parse.GetValue(memorySettle), Console.Out, cancellationToken).ConfigureAwait(false);
    foreach (var r in results)
    {
        Console.WriteLine(MemoryScenario.Describe(r));
        Console.WriteLine(Invariant($"RESULT scenario=memory door={r.Door} connections={r.Connections} holding={r.Holding} heap_kib_per_conn={r.HeapKiBPerConnection:0} ws_kib_per_conn={r.WorkingSetKiBPerConnection:0}"));
    }

    return 0;
});

var searchMessages = new Option<long>("--messages") { Description = "messages stored before searching", DefaultValueFactory = _ => 1_000_000 };
var searchRateMessages = new Option<long>("--rate-messages") { Description = "messages whose append rate is compared with and without the index", DefaultValueFactory = _ => 200_000 };
var searchQueries = new Option<int>("--queries") { Description = "measured queries of each kind", DefaultValueFactory = _ => 500 };
var searchFolder = new Option<string>("--folder") { Description = "where the two database files go", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "piazza-search-bench") };
var searchReuse = new Option<bool>("--reuse") { Description = "query the search.db a previous run filled (no appends)" };
var search = new Command("search", "full-text search on the SQLite store in process: append rate with and without the index, query percentiles over N messages")
{
    searchMessages, searchRateMessages, searchQueries, searchFolder, searchReuse,
};
search.SetAction(async (parse, cancellationToken) =>
{
    var count = parse.GetValue(searchMessages);
    var rateCount = Math.Min(count, parse.GetValue(searchRateMessages));
    Console.WriteLine(Invariant($"search N={count:N0} rate over {rateCount:N0} queries={parse.GetValue(searchQueries)} per kind, folder {parse.GetValue(searchFolder)}"));
    var result = await SearchScenario.RunAsync(parse.GetValue(searchFolder)!, count, rateCount, parse.GetValue(searchQueries), parse.GetValue(searchReuse), Console.Out, cancellationToken).ConfigureAwait(false);
    Console.WriteLine(Invariant($"  append: {result.AppendPerSecondIndexed:N0} msg/s with the index, {result.AppendPerSecondPlain:N0} msg/s without ({result.AppendPerSecondIndexed / result.AppendPerSecondPlain:P0}); database {result.DatabaseBytes / 1048576.0:0} MiB; {result.MeanHits:0.0} hits per query"));
    foreach (var (kind, ticks) in result.Ticks)
    {
        var (p50, p99) = (Percentile(ticks, 0.50), Percentile(ticks, 0.99));
        Console.WriteLine(Invariant($"  {kind,-10} p50 {p50:0.000} ms   p99 {p99:0.000} ms"));
        Console.WriteLine(Invariant($"RESULT scenario=search kind={kind} messages={result.Messages} p50_ms={p50:0.000} p99_ms={p99:0.000}"));
    }

    Console.WriteLine(Invariant($"RESULT scenario=search_append messages={rateCount} indexed_per_s={result.AppendPerSecondIndexed:0} plain_per_s={result.AppendPerSecondPlain:0}"));
    return 0;
});

var root = new RootCommand("Piazza load generator (loopback only). Scenarios: fanout, latency, conns, insert, history, memory, search; seed fills a data folder.")
{
    fanout, latency, conns, insert, seed, history, memory, search,
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

LoadSettings LoadFrom(ParseResult parse)
{
    var name = parse.GetValue(target)!;
    return new LoadSettings
    {
        Target = name,
        Port = parse.GetValue(port) ?? name switch { "redis" => 6379, "irc" => 6667, _ => 7070 },
        NodePorts = parse.GetValue(nodes) is { Length: > 0 } list ? [.. list.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))] : [],
        Receivers = parse.GetValue(receivers),
        Senders = parse.GetValue(senders),
        Duration = parse.GetValue(duration),
        Warmup = parse.GetValue(warmup),
        MessageBytes = parse.GetValue(size),
    };
}

static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

// Nearest-rank percentile over sorted samples: the smallest value with at least p of the samples at or below it.
static double Percentile(long[] sorted, double p)
    => sorted.Length == 0 ? double.NaN : ToMilliseconds(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
