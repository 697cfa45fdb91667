using System.Diagnostics;
using System.Text.Json.Nodes;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Piazza.ClusterTests;

/// <summary>
/// The cluster under load while its parts fail one after another: a node (SIGKILL, then back), redis-server (killed,
/// restarted empty), PostgreSQL (fast stop, start). Clients behave as the client library does: they resend an
/// unacknowledged send with the same id after <c>unavailable</c> or a lost connection, and resume where they were.
/// </summary>
[Collection(FaultClusterCollection.Name)]
public class FaultInjectionTests(FaultCluster cluster, ITestOutputHelper output)
{
    private const double MessagesPerSecond = 300;
    private const int AcksPerPhase = 600;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task At_300_messages_a_second_a_node_kill_a_redis_restart_and_a_postgres_restart_lose_and_repeat_nothing()
    {
        string[] rooms = [ClusterFixture.Unique("north"), ClusterFixture.Unique("south"), ClusterFixture.Unique("east")];
        var nodes = cluster.Nodes;

        // Two senders per node (native TCP and WebSocket), one receiver per node; each account is in every room.
        var senders = new List<ResilientSender>();
        var receivers = new List<ResumingReceiver>();
        for (var n = 0; n < nodes.Count; n++)
        {
            foreach (var webSocket in new[] { false, true })
            {
                var name = ClusterFixture.Unique(webSocket ? "wsend" : "tsend");
                senders.Add(new ResilientSender(name, await RegisterInRoomsAsync(nodes[n], name, rooms), rooms, nodes, n, webSocket, MessagesPerSecond / 6));
            }

            var listener = ClusterFixture.Unique("recv");
            receivers.Add(new ResumingReceiver(listener, await RegisterInRoomsAsync(nodes[n], listener, rooms), rooms, nodes, n, webSocket: n == 1));
        }

        using var stopReceiving = new CancellationTokenSource();
        using var stopSending = new CancellationTokenSource();
        using var drainDeadline = new CancellationTokenSource();
        var listening = receivers.Select(r => Task.Run(() => r.RunAsync(stopReceiving.Token))).ToList();
        var sending = senders.Select(s => Task.Run(() => s.RunAsync(stopSending.Token, drainDeadline.Token))).ToList();
        var log = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            async Task PhaseAsync(string what, Func<Task> fault)
            {
                var goal = senders.Sum(s => s.AckedCount) + AcksPerPhase;
                await WaitForAsync(() => senders.Sum(s => s.AckedCount) >= goal, PhaseTimeout, $"{AcksPerPhase} more acknowledgements before: {what}");
                log.Add($"{clock.Elapsed.TotalSeconds:0.0} s, {senders.Sum(s => s.AckedCount)} acked: {what}");
                await fault();
            }

            await PhaseAsync("SIGKILL node 2 and start it again", async () =>
            {
                await nodes[1].KillAsync();
                await nodes[1].StartAsync();
            });
            await PhaseAsync("restart redis-server", cluster.Redis.RestartAsync);
            await PhaseAsync("restart PostgreSQL", cluster.Postgres.RestartAsync);
            await PhaseAsync("stop sending", () => stopSending.CancelAsync());

            drainDeadline.CancelAfter(PhaseTimeout);
            await Task.WhenAll(sending);
            log.Add($"{clock.Elapsed.TotalSeconds:0.0} s: senders drained");

            // History on a node ends at what that node delivered live, and a message another node acknowledged a
            // moment ago may still be on its way over the bus: read until the highest acknowledged seq is there.
            var acked = senders.SelectMany(s => s.Acked).ToDictionary(a => a.Key, a => a.Value);
            var stored = new Dictionary<string, List<(long Seq, string Text)>>();
            foreach (var room in rooms)
            {
                var highest = acked.Values.Where(a => string.Equals(a.Room, room, StringComparison.OrdinalIgnoreCase)).Select(a => a.Seq).DefaultIfEmpty(0).Max();
                var (history, probes) = await HistoryReachingAsync(nodes[0], receivers[0].Token, room, highest);
                stored[room] = history;
                log.Add($"{room}: highest acknowledged seq {highest}, {history.Count} in history on {nodes[0].NodeId} (delivered there at probe {probes})");
            }

            log.Add($"made: {string.Join(", ", senders.Select(s => $"{s.Name} {s.Created}"))}");
            foreach (var line in log)
            {
                output.WriteLine(line);
            }

            await WaitForAsync(() => receivers.All(r => rooms.All(room => r.Last(room) >= stored[room].Count)), PhaseTimeout, "every receiver caught up");
            await stopReceiving.CancelAsync();
            await Task.WhenAll(listening);

            var context = $"\n{string.Join('\n', log)}\n{cluster.Diagnostics()}";
            Assert.True(senders.All(s => s.Failures.Count == 0), string.Join('\n', senders.SelectMany(s => s.Failures).Take(20)) + context);
            foreach (var sender in senders)
            {
                Assert.True(sender.AckedCount == sender.Created, $"{sender.Name}: {sender.Created} made, {sender.AckedCount} acknowledged{context}");
            }

            foreach (var (room, messages) in stored)
            {
                Assert.Equal(ProtocolSteps.Range(1, messages.Count), messages.Select(m => m.Seq));
                var repeated = messages.GroupBy(m => m.Text).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                Assert.True(repeated.Count == 0, $"stored more than once in {room}: {string.Join(", ", repeated.Take(10))}{context}");
            }

            var storedAt = stored.SelectMany(r => r.Value.Select(m => (m.Text, Place: (r.Key, m.Seq)))).ToDictionary(m => m.Text, m => m.Place);
            foreach (var (id, place) in acked)
            {
                Assert.True(storedAt.TryGetValue(id, out var at), $"acknowledged {id} ({place}) is not in history: {Explain(id, place)}{context}");
                Assert.True(string.Equals(at.Key, place.Room, StringComparison.OrdinalIgnoreCase) && at.Seq == place.Seq, $"{id} acknowledged at {place}, stored at {at}: {Explain(id, place)}{context}");
            }

            foreach (var receiver in receivers)
            {
                foreach (var room in rooms)
                {
                    Assert.Equal(ProtocolSteps.Range(1, stored[room].Count), receiver.Received[room]);
                }
            }

            string Explain(string id, (string Room, long Seq) place)
            {
                var history = stored.First(r => string.Equals(r.Key, place.Room, StringComparison.OrdinalIgnoreCase)).Value;
                var there = history.Where(m => m.Seq == place.Seq).Select(m => m.Text).FirstOrDefault();
                var thereAcked = there is not null && acked.TryGetValue(there, out var p) ? $"acknowledged as {p}" : "not acknowledged";
                string Trail(string of) => senders.Select(s => s.TrailOf(of)).FirstOrDefault(t => t is not null) ?? "none";
                return $"history of {place.Room} has {history.Count} messages; at seq {place.Seq}: " + (there is null ? "nothing" : $"\"{there}\" ({thereAcked}; its trail: {Trail(there)})")
                    + $"; the trail of {id}: {Trail(id)}";
            }

            Assert.Contains(senders, s => s.Reconnects > 0);
            Assert.Contains(receivers, r => r.Reconnects > 0);
        }
        finally
        {
            await stopSending.CancelAsync();
            await drainDeadline.CancelAsync();
            await stopReceiving.CancelAsync();
            await Task.WhenAll([.. sending, .. listening]).ContinueWith(_ => { }, TaskScheduler.Default);
            await cluster.HealAsync();
        }
    }

    private static async Task<string> RegisterInRoomsAsync(ClusterNode node, string name, string[] rooms)
    {
        await using var client = await node.RegisterAsync(name);
        foreach (var room in rooms)
        {
            await ProtocolSteps.JoinRoomAsync(client, room);
        }

        return client.Welcome.Str("token")!;
    }

    /// <summary>
    /// The whole history of <paramref name="room"/> over REST once <paramref name="seq"/> is in it on that node (or
    /// as it is after <see cref="PhaseTimeout"/>: the assertions then say what is missing). Polls one message at a
    /// time, 4 a second, well inside the account's read budget.
    /// </summary>
    private static async Task<(List<(long Seq, string Text)> History, int Probes)> HistoryReachingAsync(ClusterNode node, string token, string room, long seq)
    {
        var probes = 0;
        var watch = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        using var http = node.CreateHttpClient(token);
        var probe = new Uri($"/api/rooms/{Uri.EscapeDataString(room)}/messages?after={seq - 1}&limit=1", UriKind.Relative);
        while (seq > 0 && watch.Elapsed < PhaseTimeout)
        {
            probes++;
            using var response = await http.GetAsync(probe);
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonNode.Parse(body)!["messages"]!.AsArray().Count > 0)
            {
                break;
            }

            await tick.WaitForNextTickAsync();
        }

        return ([.. (await node.HistoryOverHttpAsync(token, room)).Select(m => (m.Seq(), m.Str("text")!))], probes);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 20 ms; fails naming <paramref name="what"/> after the timeout.</summary>
    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            Assert.True(watch.Elapsed < timeout, $"timed out waiting for {what}");
            await tick.WaitForNextTickAsync();
        }
    }
}
