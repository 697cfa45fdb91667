using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>History over the native door: paging both ways, limits, membership, history on join, private conversations.</summary>
public class HistoryTests
{
    [Fact]
    public async Task Paging_backwards_and_forwards_returns_every_seq_once_in_order()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await SendManyAsync(alice, "lobby", 120);

        var latest = await HistoryAsync(alice, new { type = "history", room = "lobby", limit = 50, id = "h" }, "h");
        Assert.Equal(Range(71, 120), latest);
        Assert.Equal(Range(71, 120), await HistoryAsync(alice, new { type = "history", room = "lobby", id = "d" }, "d"));

        var backwards = new List<long>();
        long? before = null;
        for (var page = 0; page < 4; page++)
        {
            var seqs = before is null
                ? await HistoryAsync(alice, new { type = "history", room = "lobby", limit = 50, id = $"b{page}" }, $"b{page}")
                : await HistoryAsync(alice, new { type = "history", room = "lobby", before, limit = 50, id = $"b{page}" }, $"b{page}");
            if (seqs.Count == 0)
            {
                break;
            }

            backwards.InsertRange(0, seqs);
            before = seqs[0];
        }

        Assert.Equal(Range(1, 120), backwards);
        Assert.Equal(Range(21, 70), await HistoryAsync(alice, new { type = "history", room = "lobby", before = 71, limit = 50, id = "x" }, "x"));
        Assert.Equal(Range(1, 20), await HistoryAsync(alice, new { type = "history", room = "lobby", before = 21, limit = 50, id = "y" }, "y"));

        var forwards = new List<long>();
        long after = 0;
        while (true)
        {
            var seqs = await HistoryAsync(alice, new { type = "history", room = "lobby", after, limit = 50, id = $"f{after}" }, $"f{after}");
            if (seqs.Count == 0)
            {
                break;
            }

            Assert.True(seqs.Count <= 50);
            forwards.AddRange(seqs);
            after = seqs[^1];
        }

        Assert.Equal(Range(1, 120), forwards);
        Assert.Equal(Range(51, 100), await HistoryAsync(alice, new { type = "history", room = "lobby", after = 50, limit = 50, id = "z" }, "z"));
        Assert.Equal(Range(1, 120), await HistoryAsync(alice, new { type = "history", room = "lobby", limit = 500, id = "all" }, "all"));
        Assert.Equal(Range(118, 120), await HistoryAsync(alice, new { type = "history", room = "lobby", limit = 3, id = "three" }, "three"));
    }

    [Fact]
    public async Task History_messages_are_shaped_like_live_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        var beforeOk = new List<JsonObject>();
        var ok = await RequestAsync(alice, new { type = "send", room = "lobby", text = "line one\n\tline two", id = "s" }, "s", beforeOk);
        AssertOk(ok);
        var live = beforeOk.Single(f => f.Type() == "message");
        Assert.Equal("line one\n\tline two", live.Str("text"));

        var history = await RequestAsync(alice, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.Equal(("history", "lobby", "h"), (history.Type(), history.Str("room"), history.Str("re")));
        var stored = Assert.Single(history["messages"]!.AsArray())!.AsObject();
        Assert.Equal(ok.Str("msg"), stored.Str("id"));
        foreach (var field in new[] { "id", "room", "from", "text", "ts" })
        {
            Assert.Equal(live.Str(field), stored.Str(field));
        }

        Assert.Equal(live.Seq(), stored.Seq());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    [InlineData(-1)]
    public async Task A_limit_outside_1_to_500_is_a_bad_request(int limit)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        AssertError(await RequestAsync(alice, new { type = "history", room = "lobby", limit, id = "h" }, "h"), "bad_request");
    }

    [Fact]
    public async Task Before_and_after_together_are_a_bad_request()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        AssertError(await RequestAsync(alice, new { type = "history", room = "lobby", before = 10, after = 2, id = "h" }, "h"), "bad_request");
    }

    [Fact]
    public async Task History_of_a_room_one_is_not_in_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(bob, "dev");
        await SendOkAsync(bob, "dev", "members only", "s");

        AssertError(await RequestAsync(alice, new { type = "history", room = "dev", id = "h" }, "h"), "not_in_room");
        AssertError(await RequestAsync(alice, new { type = "history", room = "nowhere", id = "n" }, "n"), "no_such_room");
    }

    [Fact]
    public async Task Joining_delivers_exactly_the_last_50_then_live_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(alice, "dev");
        await SendManyAsync(alice, "dev", 120);

        var (before, _) = await JoinRoomAsync(bob, "dev");
        Assert.Equal(["room", "history"], before.Where(f => f.Str("room") == "dev").Select(f => f.Type()));
        Assert.Equal(Range(71, 120), Seqs(before.Single(f => f.Type() == "history")));

        await SendOkAsync(alice, "dev", "live", "live");
        var live = await bob.ReadUntilAsync(f => f.Type() == "message");
        Assert.Equal((121L, "live"), (live.Seq(), live.Str("text")));
    }

    [Fact]
    public async Task Joining_while_messages_flow_misses_nothing_and_repeats_nothing()
    {
        const int Total = 300;
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(alice, "dev");
        await SendManyAsync(alice, "dev", 60);

        // Alice keeps sending while bob joins; what bob gets must be one unbroken run ending at the last seq.
        var sending = SendManyAsync(alice, "dev", Total - 60, "late");
        await bob.SendAsync(new { type = "join", room = "dev", id = "j" });
        var frames = new List<JsonObject>();
        var last = await bob.ReadUntilAsync(f => f.Str("room") == "dev" && LastSeq(f) == Total, TimeSpan.FromSeconds(30), frames);
        frames.Add(last);
        await sending;

        var dev = frames.Where(f => f.Str("room") == "dev" && f.Type() is "room" or "history" or "message").ToList();
        Assert.Equal("room", dev[0].Type());
        Assert.Equal("history", dev[1].Type());
        var history = Seqs(dev[1]);
        Assert.Equal(50, history.Count);
        Assert.DoesNotContain(dev.Skip(2), f => f.Type() != "message");
        var seen = history.Concat(dev.Skip(2).Select(f => f.Seq())).ToList();
        Assert.Equal(Range(history[0], Total), seen);
    }

    private static long? LastSeq(JsonObject frame) => frame.Type() switch
    {
        "message" => frame.Seq(),
        "history" when frame["re"] is null && frame["messages"]!.AsArray().Count > 0 => Seqs(frame)[^1],
        _ => null,
    };

    [Fact]
    public async Task History_with_a_user_reads_the_private_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        for (var i = 1; i <= 3; i++)
        {
            AssertOk(await RequestAsync(i % 2 == 1 ? alice : bob, new { type = "send", to = i % 2 == 1 ? "bob" : "alice", text = $"pm {i}", id = $"p{i}" }, $"p{i}"));
        }

        var withBob = await RequestAsync(alice, new { type = "history", with = "Bob", id = "h" }, "h");
        Assert.Equal(("history", "@alice,bob"), (withBob.Type(), withBob.Str("room")));
        Assert.Equal(["pm 1", "pm 2", "pm 3"], Texts(withBob));
        Assert.Equal([1L, 2, 3], Seqs(withBob));

        var byId = await RequestAsync(bob, new { type = "history", room = "@alice,bob", after = 1, id = "h2" }, "h2");
        Assert.Equal([2L, 3], Seqs(byId));
        var older = await RequestAsync(bob, new { type = "history", with = "alice", before = 3, limit = 1, id = "h3" }, "h3");
        Assert.Equal([2L], Seqs(older));

        // The lobby's history is separate.
        Assert.Empty((await RequestAsync(alice, new { type = "history", room = "lobby", id = "h4" }, "h4"))["messages"]!.AsArray());
    }

    /// <summary>Sends <paramref name="count"/> messages without waiting in between, then waits for every ok.</summary>
    private static async Task SendManyAsync(RawClient client, string room, int count, string prefix = "m")
    {
        for (var i = 1; i <= count; i++)
        {
            await client.SendAsync(new { type = "send", room, text = $"{prefix} {i}", id = $"{prefix}{i}" });
        }

        var pending = Enumerable.Range(1, count).Select(i => $"{prefix}{i}").ToHashSet();
        while (pending.Count > 0)
        {
            var answer = await client.ReadUntilAsync(f => f.Type() is "ok" or "error" && f.Str("re") is { } re && pending.Contains(re), TimeSpan.FromSeconds(30));
            AssertOk(answer);
            pending.Remove(answer.Str("re")!);
        }
    }

    private static async Task<List<long>> HistoryAsync(RawClient client, object request, string id)
    {
        var answer = await RequestAsync(client, request, id);
        Assert.True(answer.Type() == "history", answer.ToJsonString());
        return Seqs(answer);
    }
}
