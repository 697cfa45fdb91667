using System.Diagnostics;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>
/// "Never loses a message": gapless resume across repeated abrupt disconnects, and acknowledged messages surviving
/// a SIGKILL of the server process.
/// </summary>
public class DurabilityTests
{
    /// <summary>Sends messages with a window of unacknowledged sends; returns the acknowledged (seq, msg) pairs.</summary>
    private static async Task<List<(long Seq, string Msg)>> SendBurstAsync(RawClient client, int count, Func<int, object> frame, int window = 64)
    {
        var acked = new List<(long, string)>();
        var sent = 0;
        while (acked.Count < count)
        {
            while (sent < count && sent - acked.Count < window)
            {
                await client.SendAsync(frame(sent++));
            }

            var reply = await client.ReadUntilAsync(f => f.Type() is "ok" or "error", TimeSpan.FromSeconds(30));
            Assert.Equal("ok", reply.Type());
            acked.Add((reply["seq"]!.GetValue<long>(), reply.Str("msg")!));
        }

        return acked;
    }

    [Fact]
    public async Task A_client_cut_off_repeatedly_resumes_every_conversation_with_no_gap_and_no_duplicate()
    {
        const int LobbyMessages = 2000;
        const int DevMessages = 2000;
        const int DirectMessages = 1000;
        await using var server = await TestServer.StartAsync();

        var victim = await server.RegisterAsync("victim");
        var token = victim.Welcome.Str("token");
        await victim.SendAsync(new { type = "join", room = "dev", id = "j" });
        await victim.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        await victim.DisposeAsync();

        var lobbySender = await server.RegisterAsync("lobbysender");
        var devSender = await server.RegisterAsync("devsender");
        var dmSender = await server.RegisterAsync("dmsender");
        await devSender.SendAsync(new { type = "join", room = "dev", id = "j" });
        await devSender.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        const string Direct = "@dmsender,victim";

        // Every seq the victim receives, per conversation, in arrival order (duplicates would show up here).
        var received = new Dictionary<string, List<long>>(StringComparer.OrdinalIgnoreCase)
        {
            ["lobby"] = [],
            ["dev"] = [],
            [Direct] = [],
        };
        long Last(string conversation) => received[conversation].Count == 0 ? 0 : received[conversation][^1];
        void Record(JsonObject message)
        {
            var room = message.Str("room")!;
            if (received.TryGetValue(room, out var list))
            {
                list.Add(message["seq"]!.GetValue<long>());
            }
        }

        var sending = Task.WhenAll(
            SendBurstAsync(lobbySender, LobbyMessages, i => new { type = "send", room = "lobby", text = $"l{i}", id = $"l{i}" }),
            SendBurstAsync(devSender, DevMessages, i => new { type = "send", room = "dev", text = $"d{i}", id = $"d{i}" }),
            SendBurstAsync(dmSender, DirectMessages, i => new { type = "send", to = "victim", text = $"p{i}", id = $"p{i}" }));

        var random = new Random(1234);
        var cuts = 0;
        var goal = new Dictionary<string, long> { ["lobby"] = LobbyMessages, ["dev"] = DevMessages, [Direct] = DirectMessages };
        while (received.Any(r => Last(r.Key) < goal[r.Key]))
        {
            var client = await RawClient.ConnectAsync(server.Port);
            var resume = received.ToDictionary(r => r.Key, r => Last(r.Key));
            await client.SendAsync(new { type = "hello", token, resume });
            var budget = sending.IsCompleted ? int.MaxValue : random.Next(20, 400);
            var frames = 0;
            while (frames++ < budget && received.Any(r => Last(r.Key) < goal[r.Key]))
            {
                var frame = await client.ReadAsync(TimeSpan.FromSeconds(30));
                if (frame.Type() == "message")
                {
                    Record(frame);
                }
                else if (frame.Type() == "history")
                {
                    foreach (var message in frame["messages"]!.AsArray())
                    {
                        Record(message!.AsObject());
                    }
                }
                else
                {
                    Assert.NotEqual("error", frame.Type());
                }
            }

            client.Abort();
            await client.DisposeAsync();
            cuts++;
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(cuts >= 5, $"only {cuts} cuts happened; the test did not exercise resume");
        foreach (var (conversation, seqs) in received)
        {
            Assert.Equal(Enumerable.Range(1, (int)goal[conversation]).Select(x => (long)x), seqs);
        }
    }

    [Fact]
    public async Task Every_acknowledged_message_survives_a_SIGKILL_and_seqs_have_no_gaps()
    {
        const int Burst = 3000;
        const int KillAfter = 800;
        var data = Directory.CreateTempSubdirectory("piazza-crash-").FullName;
        var (process, port) = await ServerProcess.StartListeningAsync(data);
        var acked = new List<(long Seq, string Msg)>();
        try
        {
            var (sender, _) = await ProtocolSteps.RegisterAsync(port, "sender");
            var sent = 0;
            try
            {
                while (acked.Count < Burst)
                {
                    while (sent < Burst && sent - acked.Count < 100)
                    {
                        await sender.SendAsync(new { type = "send", room = "lobby", text = $"m{sent}", id = $"m{sent}" });
                        sent++;
                    }

                    var reply = await sender.ReadUntilAsync(f => f.Type() is "ok" or "error", TimeSpan.FromSeconds(30));
                    acked.Add((reply["seq"]!.GetValue<long>(), reply.Str("msg")!));
                    if (acked.Count == KillAfter)
                    {
                        process.Kill(); // SIGKILL: no shutdown code runs, sends are in flight
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or System.Net.Sockets.SocketException)
            {
                // the connection died with the server
            }

            Assert.InRange(acked.Count, KillAfter, Burst - 1);
        }
        finally
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            process.Dispose();
        }

        var (restarted, newPort) = await ServerProcess.StartListeningAsync(data);
        try
        {
            var (reader, _) = await ProtocolSteps.LoginAsync(newPort, "sender");
            var stored = new List<JsonObject>();
            while (true)
            {
                await reader.SendAsync(new { type = "history", room = "lobby", after = stored.Count, limit = 500, id = "h" + stored.Count });
                var page = await reader.ReadUntilAsync(f => f.Type() == "history" && f.Str("re") is not null);
                var messages = page["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
                if (messages.Count == 0)
                {
                    break;
                }

                stored.AddRange(messages);
            }

            var seqs = stored.Select(m => m["seq"]!.GetValue<long>()).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(x => (long)x), seqs);
            var byId = stored.ToDictionary(m => m.Str("id")!, m => m["seq"]!.GetValue<long>());
            foreach (var (seq, msg) in acked)
            {
                Assert.True(byId.TryGetValue(msg, out var storedSeq), $"acknowledged message {msg} (seq {seq}) was lost");
                Assert.Equal(seq, storedSeq);
            }

            await reader.DisposeAsync();
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            restarted.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }
}

/// <summary>A resume far larger than one connection's outbound queue is paced, not dropped as a slow consumer.</summary>
public class LargeResumeTests
{
    [Fact]
    public async Task A_backlog_many_times_the_outbox_bound_arrives_whole()
    {
        const int Backlog = 3000;
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxBytes = 256 * 1024, OutboxMaxFrames = 256 });
        var reader = await server.RegisterAsync("reader");
        var token = reader.Welcome.Str("token");
        await reader.DisposeAsync();

        await using var writer = await server.GuestAsync("writer");
        var text = new string('y', 1000);
        var acked = 0;
        for (var i = 0; i < Backlog; i++)
        {
            await writer.SendAsync(new { type = "send", text, id = $"b{i}" });
            if (i - acked >= 16)
            {
                await writer.ReadUntilAsync(f => f.Type() == "ok");
                acked++;
            }
        }

        while (acked < Backlog)
        {
            await writer.ReadUntilAsync(f => f.Type() == "ok");
            acked++;
        }

        // ~3 MB of backlog against a 256 KiB queue: it must be paced by the reader's pace.
        await using var resumed = await RawClient.ConnectAsync(server.Port);
        await resumed.SendAsync(new { type = "hello", token, resume = new Dictionary<string, long> { ["lobby"] = 0 } });
        var seqs = new List<long>();
        while (seqs.Count < Backlog)
        {
            var frame = await resumed.ReadAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual("error", frame.Type());
            if (frame.Type() == "history")
            {
                seqs.AddRange(frame["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
            }
        }

        Assert.Equal(Enumerable.Range(1, Backlog).Select(x => (long)x), seqs);
        Assert.Contains(server.Hub.Sessions, s => s.Name == "reader");
    }
}
