using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// draft/chathistory over a raw socket: every subcommand against history a native client wrote, in the order the spec
/// asks (oldest first), bad input, and the refusal to show what the user may not read.
/// </summary>
public class IrcHistoryTests
{
    private static readonly string[] HistoryCaps = ["batch", "server-time", "message-tags", "account-tag", "draft/chathistory"];

    /// <summary>A server where alice (native) wrote m1…m10 in #dev, and bob (IRC, an account) is in #dev.</summary>
    private static async Task<(TestServer Server, RawClient Alice, IrcTestClient Bob)> DevWithTenMessagesAsync(params string[] caps)
    {
        var server = await TestServer.StartAsync();
        var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        for (var i = 1; i <= 10; i++)
        {
            await SendOkAsync(alice, "dev", "m" + i, "s" + i);
        }

        Assert.True((await server.Hub.RegisterForTokenAsync("bob", Password, "127.0.0.1")).Succeeded);
        var bob = await IrcTestClient.RegisterAsync(server, "bob", Password, caps.Length > 0 ? caps : HistoryCaps);
        await bob.SendAsync("JOIN #dev");
        await bob.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");
        return (server, alice, bob);
    }

    /// <summary>Sends a CHATHISTORY command and returns its batch: the BATCH + line and the lines inside it.</summary>
    private static async Task<(IrcLineParts Open, List<IrcLineParts> Lines)> AskAsync(IrcTestClient irc, string command)
    {
        await irc.SendAsync(command);
        var open = await irc.ExpectAsync(l => l.Command is "BATCH" or "FAIL" && (l.Command == "FAIL" || l.Param(0)!.StartsWith('+')));
        Assert.True(open.Command == "BATCH", "expected a batch, got " + open.Raw);
        var id = open.Param(0)![1..];
        var lines = await irc.CollectUntilAsync(l => l.Command == "BATCH" && l.Param(0) == "-" + id);
        lines.RemoveAt(lines.Count - 1);
        Assert.All(lines, l => Assert.Equal(id, l.Tag("batch")));
        return (open, lines);
    }

    private static List<string> Texts(List<IrcLineParts> lines) => [.. lines.Select(l => l.Trailing!)];

    private static List<string> Words(string list) => [.. list.Split(' ')];

    [Fact]
    public async Task Latest_before_after_around_and_between_return_a_native_clients_messages_oldest_first()
    {
        var (server, alice, bob) = await DevWithTenMessagesAsync();
        await using var _ = server;
        await using var __ = alice;
        await using var ___ = bob;

        var (open, latest) = await AskAsync(bob, "CHATHISTORY LATEST #dev * 4");
        Assert.Equal(["chathistory", "#dev"], open.Parameters.Skip(1));
        Assert.Equal(Words("m7 m8 m9 m10"), Texts(latest));
        Assert.All(latest, l =>
        {
            Assert.Equal(("PRIVMSG", "#dev", "alice", "alice"), (l.Command, l.Param(0), l.SourceNick, l.Tag("account")));
            Assert.NotNull(l.Tag("time"));
        });

        var all = (await AskAsync(bob, "CHATHISTORY LATEST #dev * 10")).Lines;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "m" + i), Texts(all));
        var ids = all.Select(l => l.Tag("msgid")!).ToList();
        Assert.Equal(10, ids.Distinct().Count());

        Assert.Equal(Words("m3 m4 m5"), Texts((await AskAsync(bob, $"CHATHISTORY BEFORE #dev msgid={ids[5]} 3")).Lines));
        Assert.Equal(Words("m7 m8 m9"), Texts((await AskAsync(bob, $"CHATHISTORY AFTER #dev msgid={ids[5]} 3")).Lines));
        Assert.Equal(Words("m4 m5 m6 m7"), Texts((await AskAsync(bob, $"CHATHISTORY AROUND #dev msgid={ids[5]} 4")).Lines));
        Assert.Equal(Words("m3 m4 m5 m6"), Texts((await AskAsync(bob, $"CHATHISTORY BETWEEN #dev msgid={ids[1]} msgid={ids[6]} 10")).Lines));
        Assert.Equal(Words("m3 m4"), Texts((await AskAsync(bob, $"CHATHISTORY BETWEEN #dev msgid={ids[1]} msgid={ids[6]} 2")).Lines));
        Assert.Equal(Words("m5 m6"), Texts((await AskAsync(bob, $"CHATHISTORY BETWEEN #dev msgid={ids[6]} msgid={ids[1]} 2")).Lines));
        Assert.Equal(Words("m9 m10"), Texts((await AskAsync(bob, $"CHATHISTORY LATEST #dev msgid={ids[7]} 10")).Lines));
        Assert.Empty((await AskAsync(bob, $"CHATHISTORY AFTER #dev msgid={ids[9]} 10")).Lines);
        Assert.Empty((await AskAsync(bob, $"CHATHISTORY BEFORE #dev msgid={ids[0]} 10")).Lines);

        // A message replayed looks as it did live: the same tags, source, target and text.
        await SendOkAsync(alice, "dev", "live one", "s11");
        var live = await bob.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "live one");
        var replayed = (await AskAsync(bob, "CHATHISTORY LATEST #dev * 1")).Lines.Single();
        Assert.Equal(live.Raw, replayed.Raw.Replace($"batch={replayed.Tag("batch")};", "", StringComparison.Ordinal).Replace($";batch={replayed.Tag("batch")}", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timestamps_name_places_as_the_time_tags_show_them()
    {
        var (server, alice, bob) = await DevWithTenMessagesAsync();
        await using var _ = server;
        await using var __ = alice;
        await using var ___ = bob;
        var all = (await AskAsync(bob, "CHATHISTORY LATEST #dev * 10")).Lines;
        var times = all.Select(l => l.Tag("time")!).ToList();
        var pivot = times[5]; // m6's time: messages sent in the same millisecond share it, so expect by time, not by position
        List<string> Where(Func<string, bool> keep) => [.. all.Where(l => keep(l.Tag("time")!)).Select(l => l.Trailing!)];

        Assert.Equal(Where(t => string.CompareOrdinal(t, pivot) < 0).TakeLast(3), Texts((await AskAsync(bob, $"CHATHISTORY BEFORE #dev timestamp={pivot} 3")).Lines));
        Assert.Equal(Where(t => string.CompareOrdinal(t, pivot) > 0).Take(3), Texts((await AskAsync(bob, $"CHATHISTORY AFTER #dev timestamp={pivot} 3")).Lines));
        Assert.Equal(Where(t => string.CompareOrdinal(t, pivot) > 0), Texts((await AskAsync(bob, $"CHATHISTORY LATEST #dev timestamp={pivot} 10")).Lines));
        Assert.Equal(Texts(all), Texts((await AskAsync(bob, "CHATHISTORY BETWEEN #dev timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10")).Lines));
        var around = Texts((await AskAsync(bob, $"CHATHISTORY AROUND #dev timestamp={pivot} 4")).Lines);
        Assert.Equal(4, around.Count);
        Assert.Contains("m6", around);
    }

    [Fact]
    public async Task Private_messages_written_natively_are_read_back_by_nick_and_listed_by_targets()
    {
        var (server, alice, bob) = await DevWithTenMessagesAsync();
        await using var _ = server;
        await using var __ = alice;
        await using var ___ = bob;
        AssertOk(await RequestAsync(alice, new { type = "send", to = "bob", text = "hi bob", id = "p1" }, "p1"));
        await bob.ExpectAsync(l => l.Command == "PRIVMSG" && l.Trailing == "hi bob");
        await bob.SendAsync("PRIVMSG alice :hi alice");
        await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi alice");

        var direct = (await AskAsync(bob, "CHATHISTORY LATEST alice * 10")).Lines;
        Assert.Equal(["hi bob", "hi alice"], Texts(direct));
        Assert.Equal([("alice", "bob"), ("bob", "alice")], direct.Select(l => (l.SourceNick!, l.Param(0)!)));

        var (open, targets) = await AskAsync(bob, "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10");
        Assert.Equal("draft/chathistory-targets", open.Param(1));
        Assert.All(targets, l => Assert.Equal(("CHATHISTORY", "TARGETS"), (l.Command, l.Param(0)!)));
        Assert.Equal(["#dev", "alice"], targets.Select(l => l.Param(1)!)); // oldest latest message first
        Assert.Equal(direct[^1].Tag("time"), targets[^1].Param(2));

        // A window that ends before the private messages lists only the room.
        var devLast = (await AskAsync(bob, "CHATHISTORY LATEST #dev * 1")).Lines.Single().Tag("time");
        var early = (await AskAsync(bob, $"CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp={devLast} 10")).Lines;
        Assert.Contains("#dev", early.Select(l => l.Param(1)));
    }

    [Fact]
    public async Task A_private_room_or_someone_elses_conversation_is_refused_as_an_invalid_target()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        var before = new List<System.Text.Json.Nodes.JsonObject>();
        AssertOk(await RequestAsync(alice, new { type = "join", room = "secret", @private = true, id = "cp" }, "cp", before));
        await SendOkAsync(alice, "secret", "the plan", "s1");
        await using var carol = await server.RegisterAsync("carol");
        AssertOk(await RequestAsync(alice, new { type = "send", to = "carol", text = "between us", id = "p1" }, "p1"));

        Assert.True((await server.Hub.RegisterForTokenAsync("mallory", Password, "127.0.0.1")).Succeeded);
        await using var mallory = await IrcTestClient.RegisterAsync(server, "mallory", Password, HistoryCaps);
        foreach (var command in new[] { "CHATHISTORY LATEST #secret * 10", "CHATHISTORY LATEST @alice,carol * 10", "CHATHISTORY LATEST #nowhere * 10" })
        {
            await mallory.SendAsync(command);
            var fail = await mallory.ExpectAsync(l => l.Command is "FAIL" or "BATCH");
            Assert.Equal(("FAIL", "CHATHISTORY", "INVALID_TARGET"), (fail.Command, fail.Param(0), fail.Param(1)));
        }

        // The id of a message she may not read names no message to her, whatever target she asks it for.
        var secretId = (await RequestAsync(alice, new { type = "send", room = "secret", text = "the second plan", id = "s2" }, "s2")).Str("msg");
        Assert.NotNull(secretId);
        foreach (var target in new[] { "#lobby", "#secret", "alice" })
        {
            await mallory.SendAsync($"CHATHISTORY AROUND {target} msgid={secretId} 10");
            var refused = await mallory.ExpectAsync(l => l.Command is "FAIL" or "BATCH");
            Assert.Equal("FAIL", refused.Command);
            Assert.Contains(refused.Param(1), new[] { "MESSAGE_ERROR", "INVALID_TARGET" });
        }

        await mallory.SyncAsync();
        Assert.DoesNotContain(mallory.Seen, l => l.Contains("plan", StringComparison.Ordinal) || l.Contains("between us", StringComparison.Ordinal));
        Assert.DoesNotContain(mallory.Seen, l => IrcLineParts.Parse(l).Command == "PRIVMSG");
    }

    [Fact]
    public async Task Bad_input_gets_the_spec_fail_codes_and_the_connection_stays_usable()
    {
        var (server, alice, bob) = await DevWithTenMessagesAsync();
        await using var _ = server;
        await using var __ = alice;
        await using var ___ = bob;
        var cases = new (string Line, string Code)[]
        {
            ("CHATHISTORY", "NEED_MORE_PARAMS"),
            ("CHATHISTORY LATEST #dev", "NEED_MORE_PARAMS"),
            ("CHATHISTORY BETWEEN #dev * 10", "NEED_MORE_PARAMS"),
            ("CHATHISTORY SIDEWAYS #dev * 10", "INVALID_PARAMS"),
            ("CHATHISTORY LATEST #dev * ten", "INVALID_PARAMS"),
            ("CHATHISTORY LATEST #dev * 0", "INVALID_PARAMS"),
            ("CHATHISTORY LATEST #dev * -5", "INVALID_PARAMS"),
            ("CHATHISTORY BEFORE #dev * 10", "INVALID_MSGREFTYPE"),
            ("CHATHISTORY BEFORE #dev seq=3 10", "INVALID_MSGREFTYPE"),
            ("CHATHISTORY BEFORE #dev timestamp=yesterday 10", "INVALID_PARAMS"),
            ("CHATHISTORY BEFORE #dev msgid= 10", "INVALID_PARAMS"),
            ("CHATHISTORY TARGETS msgid=abc timestamp=2000-01-01T00:00:00.000Z 10", "INVALID_PARAMS"),
            ("CHATHISTORY AFTER #dev msgid=" + new string('x', 80) + " 10", "MESSAGE_ERROR"),
        };
        foreach (var (line, code) in cases)
        {
            await bob.SendAsync(line);
            var fail = await bob.ExpectAsync(l => l.Command is "FAIL" or "BATCH");
            Assert.True(fail.Command == "FAIL" && fail.Param(0) == "CHATHISTORY" && fail.Param(1) == code, $"{line} → {fail.Raw}, expected {code}");
        }

        // A limit over the server's (ISUPPORT CHATHISTORY=100) is cut to it rather than refused.
        Assert.Equal(10, (await AskAsync(bob, "CHATHISTORY LATEST #dev * 100000")).Lines.Count);
    }

    [Fact]
    public async Task Without_batch_the_lines_come_unbatched_and_deleted_messages_are_not_replayed()
    {
        var (server, alice, bob) = await DevWithTenMessagesAsync("server-time", "message-tags", "draft/chathistory");
        await using var _ = server;
        await using var __ = alice;
        await using var ___ = bob;
        await using var reader = await IrcTestClient.RegisterAsync(server, "reader", null, HistoryCaps);
        await reader.SendAsync("JOIN #dev");
        await reader.ExpectAsync(l => l.Command == "366" && l.Param(1) == "#dev");
        var ids = (await AskAsync(reader, "CHATHISTORY LATEST #dev * 10")).Lines.Select(l => l.Tag("msgid")!).ToList();
        AssertOk(await RequestAsync(alice, new { type = "delete", msg = ids[9], id = "d" }, "d"));

        await bob.SendAsync("CHATHISTORY LATEST #dev * 3");
        var lines = (await bob.SyncAsync()).Where(l => l.Command is "PRIVMSG" or "BATCH").ToList();
        Assert.Equal(Words("m8 m9"), Texts(lines)); // m10 was deleted: its text is gone, so it is not replayed
        Assert.All(lines, l => Assert.Null(l.Tag("batch")));
        Assert.All(lines, l => Assert.NotNull(l.Tag("msgid")));
    }
}
