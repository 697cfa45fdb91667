using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core.Conversations;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// Issue 14, "presence that scales", on every door with frames: a burst of joins or leaves costs the others a bounded
/// number of frames (coalesced into <c>presence</c>, on a fake clock), the entering frames carry the count and the
/// first page of users, and <c>who</c> pages with <c>limit</c> and <c>cursor</c>.
/// </summary>
public abstract class PresenceScaleTests
{
    /// <summary>More than one entering page (100), so the room frame must page.</summary>
    private const int Crowd = 104;

    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> GuestAsync(TestServer server, string user) => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    [Fact]
    public async Task A_burst_of_joins_and_then_of_leaves_reaches_the_others_in_a_bounded_number_of_frames()
    {
        await using var server = await TestServer.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        server.Hub.UsePresenceClock(clock);
        await using var alice = await GuestAsync(server, "alice");
        await ReadEntryAsync(alice, "lobby");

        var crowd = await ConnectCrowdAsync(server, Crowd);
        try
        {
            // Every join has happened (each joiner got its room frame); the clock has not moved: the first few went out
            // alone (the burst), the rest wait for the interval.
            clock.Advance(PresenceCoalescer.Interval);
            var (heard, frames) = await CollectAsync(alice, crowd.Count, joined: true);
            Assert.True(frames.Count <= PresenceCoalescer.Burst, $"{frames.Count} frames for {crowd.Count} joins: {string.Join(" ", frames.Select(f => f.Type()))}");
            var batch = Assert.Single(frames, f => f.Type() == "presence");
            var single = frames.Count(f => f.Type() == "joined");
            Assert.Equal(Crowd - single, batch["joinedTotal"]!.GetValue<int>());
            Assert.Equal(PresenceCoalescer.MaxNamed, batch["joined"]!.AsArray().Count);
            Assert.Equal(Crowd + 1, batch["count"]!.GetValue<int>());
            Assert.Null(batch["left"]);
            Assert.All(batch["joined"]!.AsArray(), u => Assert.True(u!["guest"]!.GetValue<bool>() && u["since"] is not null, u.ToJsonString()));
            Assert.Subset(crowd.Select(c => c.Name).ToHashSet(), heard.ToHashSet());
            await AssertQuietAsync(alice);

            // Now they all go: nothing until the interval ends, then one frame with every departure.
            foreach (var (_, client) in crowd)
            {
                await client.DisposeAsync();
            }

            await WaitForCountAsync(server, 1);
            clock.Advance(PresenceCoalescer.Interval);
            var (gone, leaves) = await CollectAsync(alice, crowd.Count, joined: false);
            var departures = Assert.Single(leaves);
            Assert.Equal("presence", departures.Type());
            Assert.Equal(Crowd, departures["leftTotal"]!.GetValue<int>());
            Assert.Equal(1, departures["count"]!.GetValue<int>());
            Assert.Equal(PresenceCoalescer.MaxNamed, gone.Count);
            Assert.All(departures["left"]!.AsArray(), l => Assert.Contains(l!["reason"]!.GetValue<string>(), new[] { "quit", "lost" }));
        }
        finally
        {
            foreach (var (_, client) in crowd)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_entering_frames_carry_the_count_and_the_first_page_and_who_pages_through_everyone_once()
    {
        await using var server = await TestServer.StartAsync();
        var crowd = await ConnectCrowdAsync(server, Crowd);
        try
        {
            await using var last = await ConnectAsync(server);
            var (_, welcome) = await RawClient.HelloAsync(last, "zed");
            Assert.Equal(Crowd + 1, welcome["count"]!.GetValue<int>());
            Assert.Equal(100, welcome["users"]!.AsArray().Count);
            var (room, _) = await ReadEntryAsync(last, "lobby");
            Assert.Equal(Crowd + 1, room["count"]!.GetValue<int>());
            Assert.Equal(100, room["users"]!.AsArray().Count);
            Assert.NotNull(room.Str("next"));

            // The rest from the room frame's cursor, then everyone from the start in pages of 40, earliest first.
            var rest = await RequestAsync(last, new { type = "who", room = "lobby", cursor = room.Str("next"), id = "r" }, "r");
            Assert.Equal(Crowd + 1 - 100, rest["users"]!.AsArray().Count);
            Assert.Null(rest["next"]);
            Assert.Equal(Crowd + 1, Names(room["users"]!.AsArray()).Concat(Names(rest["users"]!.AsArray())).Distinct().Count());

            var everyone = new List<JsonObject>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await RequestAsync(last, new { type = "who", room = "lobby", limit = 40, cursor, id = $"w{pages}" }, $"w{pages}");
                AssertOk(page);
                Assert.Equal(Crowd + 1, page["count"]!.GetValue<int>());
                everyone.AddRange(page["users"]!.AsArray().Select(u => u!.AsObject()));
                cursor = page.Str("next");
                pages++;
            }
            while (cursor is not null && pages < 10);

            Assert.Equal(3, pages);
            Assert.Equal([.. crowd.Select(c => c.Name), "zed"], everyone.Select(u => u.Str("user")!).Order(StringComparer.Ordinal));
            var since = everyone.Select(u => DateTimeOffset.Parse(u.Str("since")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(since.Order(), since);

            // Without paging arguments who answers the first page, with the count.
            var plain = await RequestAsync(last, new { type = "who", room = "lobby", id = "p" }, "p");
            Assert.Equal(100, plain["users"]!.AsArray().Count);
            Assert.Equal(Crowd + 1, plain["count"]!.GetValue<int>());
        }
        finally
        {
            foreach (var (_, client) in crowd)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Who_refuses_a_bad_limit_or_cursor_as_bad_request_and_a_small_room_needs_no_paging()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");
        foreach (var bad in new object[]
        {
            new { type = "who", room = "lobby", limit = 0, id = "x" },
            new { type = "who", room = "lobby", limit = 1001, id = "x" },
            new { type = "who", room = "lobby", cursor = "not a cursor", id = "x" },
            new { type = "who", room = "lobby", cursor = "123.", id = "x" },
            new { type = "who", room = "lobby", cursor = "-5.bob", id = "x" },
        })
        {
            AssertError(await RequestAsync(alice, bad, "x"), "bad_request");
        }

        AssertError(await RequestAsync(alice, new { type = "who", room = "nowhere", limit = 5, id = "n" }, "n"), "no_such_room");

        // The connection stays usable, and a room of two is one page with no next.
        var who = await RequestAsync(alice, new { type = "who", room = "lobby", limit = 1000, id = "w" }, "w");
        Assert.Equal(["alice", "bob"], Names(who["users"]!.AsArray()));
        Assert.Equal(2, who["count"]!.GetValue<int>());
        Assert.Null(who["next"]);
        var first = await RequestAsync(alice, new { type = "who", room = "lobby", limit = 1, id = "f" }, "f");
        Assert.Equal(["alice"], Names(first["users"]!.AsArray()));
        var second = await RequestAsync(alice, new { type = "who", room = "lobby", limit = 1, cursor = first.Str("next"), id = "s" }, "s");
        Assert.Equal(["bob"], Names(second["users"]!.AsArray()));
        Assert.Null(second["next"]);
    }

    /// <summary>Guests connecting together, each until its lobby room frame (so its join has happened).</summary>
    private async Task<List<(string Name, RawClient Client)>> ConnectCrowdAsync(TestServer server, int count)
    {
        var crowd = new (string Name, RawClient Client)[count];
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var name = $"g{i:000}";
                var client = await GuestAsync(server, name);
                await client.ReadUntilAsync(f => f.Type() == "room");
                crowd[i] = (name, client);
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. crowd];
    }

    /// <summary>
    /// Reads joined/left/presence frames until <paramref name="expected"/> users were heard joining (or leaving), counting
    /// a presence frame's totals; returns the names the frames gave (a storm's presence frame names at most 50).
    /// </summary>
    private static async Task<(List<string> Users, List<JsonObject> Frames)> CollectAsync(RawClient observer, int expected, bool joined)
    {
        var users = new List<string>();
        var frames = new List<JsonObject>();
        var heard = 0;
        while (heard < expected)
        {
            var frame = await observer.ReadUntilAsync(f => f.Type() is "joined" or "left" or "presence");
            frames.Add(frame);
            if (frame.Type() == "presence")
            {
                var named = Names((joined ? frame["joined"] : frame["left"])?.AsArray() ?? []);
                users.AddRange(named);
                heard += frame[joined ? "joinedTotal" : "leftTotal"]?.GetValue<int>() ?? named.Count;
            }
            else if (frame.Type() == (joined ? "joined" : "left"))
            {
                users.Add(frame.Str("user")!);
                heard++;
            }
        }

        return (users, frames);
    }

    /// <summary>Nothing about presence is waiting for the observer: a ping's pong comes with no presence frame before it.</summary>
    private static async Task AssertQuietAsync(RawClient observer)
    {
        var before = new List<JsonObject>();
        await RequestAsync(observer, new { type = "ping", id = "quiet" }, "quiet", before);
        Assert.DoesNotContain(before, f => f.Type() is "joined" or "left" or "presence");
    }

    private static async Task WaitForCountAsync(TestServer server, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await server.Hub.WhoAsync("lobby")).Value!.Count != count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the crowd's leaves did not all happen");
            await Task.Delay(20);
        }
    }
}

public sealed class NativeTcpPresenceScaleTests : PresenceScaleTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketPresenceScaleTests : PresenceScaleTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
