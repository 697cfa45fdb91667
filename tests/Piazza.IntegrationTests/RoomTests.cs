using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>Rooms over the native door: join (creating), membership, topics, leave, listing, and memberships kept across restarts.</summary>
public class RoomTests
{
    [Fact]
    public async Task Join_creates_the_room_and_sends_its_state_then_history_then_ok()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await ReadEntryAsync(alice, "lobby");

        var (before, ok) = await JoinRoomAsync(alice, "dev");

        Assert.Equal(["room", "history"], before.Select(f => f.Type()));
        var room = before[0];
        Assert.Equal(("dev", "alice"), (room.Str("room"), room.Str("owner")));
        Assert.Equal(["alice"], Names(room["users"]!.AsArray()));
        Assert.Null(room["topic"]);
        Assert.Equal("dev", before[1].Str("room"));
        Assert.Empty(before[1]["messages"]!.AsArray());
        Assert.Equal("dev", ok.Str("room"));
    }

    [Fact]
    public async Task A_guest_can_create_and_own_a_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var carol = await server.GuestAsync("carol");
        var (before, _) = await JoinRoomAsync(carol, "games");
        Assert.Equal("carol", before.Single(f => f.Type() == "room").Str("owner"));
        AssertOk(await RequestAsync(carol, new { type = "topic", room = "games", topic = "chess", id = "t" }, "t"));
    }

    [Fact]
    public async Task Guests_are_marked_in_joined_and_in_every_user_list_and_accounts_are_not()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await ReadEntryAsync(alice, "lobby");
        await using var dave = await server.GuestAsync("dave");
        var daveJoined = await alice.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == "dave");
        Assert.True(daveJoined["guest"]!.GetValue<bool>());
        await using var bob = await server.RegisterAsync("bob");
        var bobJoined = await alice.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == "bob");
        Assert.Null(bobJoined["guest"]);

        static string[] Guests(JsonNode users) => [.. users.AsArray().Where(u => u!["guest"]?.GetValue<bool>() == true).Select(u => u!["user"]!.GetValue<string>()).Order()];
        Assert.Equal(["dave"], Guests(bob.Welcome["users"]!));
        var who = await RequestAsync(alice, new { type = "who", room = "lobby", id = "w" }, "w");
        Assert.Equal(["alice", "bob", "dave"], Names(who["users"]!.AsArray()).Order());
        Assert.Equal(["dave"], Guests(who["users"]!));
        var (before, _) = await JoinRoomAsync(dave, "games");
        var (bobBefore, _) = await JoinRoomAsync(bob, "games");
        Assert.Equal(["dave"], Guests(bobBefore.Single(f => f.Type() == "room")["users"]!));
        Assert.Equal(["dave"], Guests(before.Single(f => f.Type() == "room")["users"]!));
    }

    [Fact]
    public async Task Others_join_and_the_members_hear_joined()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(alice, "dev");

        var (before, _) = await JoinRoomAsync(bob, "dev");
        var room = before.Single(f => f.Type() == "room");
        Assert.Equal(["alice", "bob"], Names(room["users"]!.AsArray()));
        Assert.Equal("alice", room.Str("owner"));

        var joined = await alice.ReadUntilAsync(f => f.Type() == "joined" && f.Str("room") == "dev");
        Assert.Equal("bob", joined.Str("user"));
        Assert.DoesNotContain(before, f => f.Type() == "joined");
    }

    [Fact]
    public async Task Room_messages_reach_only_its_members()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await using var carol = await server.GuestAsync("carol");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");

        var sent = await SendOkAsync(alice, "dev", "secret plans", "s1");
        Assert.Equal(("dev", 1L), (sent.Str("room"), sent.Seq()));
        var atBob = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == "dev");
        Assert.Equal(("alice", "secret plans", 1L), (atBob.Str("from"), atBob.Str("text"), atBob.Seq()));

        // Carol is in the lobby only: the lobby marker comes after the dev message, so she would have seen it first.
        await SendOkAsync(alice, "lobby", "marker", "s2");
        var skipped = new List<JsonObject>();
        await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Str("room") == "dev");

        AssertError(await RequestAsync(carol, new { type = "send", room = "dev", text = "let me in", id = "c1" }, "c1"), "not_in_room");
        AssertError(await RequestAsync(carol, new { type = "send", room = "nowhere", text = "hello?", id = "c2" }, "c2"), "no_such_room");
        AssertError(await RequestAsync(carol, new { type = "leave", room = "dev", id = "c3" }, "c3"), "not_in_room");
    }

    [Fact]
    public async Task Room_names_are_case_insensitive_and_keep_the_creators_case()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await using var bob = await server.GuestAsync("bob");

        await JoinRoomAsync(alice, "Dev");
        var (before, ok) = await JoinRoomAsync(bob, "DEV");
        Assert.Equal("Dev", ok.Str("room"));
        Assert.Equal("Dev", before.Single(f => f.Type() == "room").Str("room"));

        var sent = await SendOkAsync(alice, "dev", "same room", "s1");
        Assert.Equal(1, sent.Seq());
        var atBob = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "same room");
        Assert.Equal("Dev", atBob.Str("room"));

        var rooms = await RequestAsync(alice, new { type = "rooms", id = "r" }, "r");
        Assert.Single(rooms["rooms"]!.AsArray(), r => string.Equals(r!["room"]!.GetValue<string>(), "dev", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("#dev")]
    [InlineData("dev/ops")]
    [InlineData("@alice,bob")]
    [InlineData("x\u0000y")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Invalid_room_names_are_bad_requests(string room)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        AssertError(await RequestAsync(alice, new { type = "join", room, id = "j" }, "j"), "bad_request");

        var rooms = await RequestAsync(alice, new { type = "rooms", id = "r" }, "r");
        Assert.Equal(["lobby"], rooms["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_64_character_room_name_is_accepted_and_a_join_without_a_room_is_not()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.GuestAsync("alice");
        await JoinRoomAsync(alice, new string('a', 64));
        AssertError(await RequestAsync(alice, new { type = "join", id = "j2" }, "j2"), "bad_request");
    }

    [Fact]
    public async Task Rooms_lists_topic_members_present_and_whether_the_asker_joined()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(alice, "dev");
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", topic = "shipping 1.0", id = "t" }, "t"));
        await JoinRoomAsync(bob, "dev");
        await JoinRoomAsync(bob, "ops");

        var listing = (await RequestAsync(alice, new { type = "rooms", id = "r" }, "r"))["rooms"]!.AsArray()
            .ToDictionary(r => r!["room"]!.GetValue<string>(), r => r!.AsObject());

        Assert.Equal(["dev", "lobby", "ops"], listing.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("shipping 1.0", 2, true), (listing["dev"].Str("topic"), listing["dev"]["members"]!.GetValue<int>(), listing["dev"]["joined"]!.GetValue<bool>()));
        Assert.Equal((2, true), (listing["lobby"]["members"]!.GetValue<int>(), listing["lobby"]["joined"]!.GetValue<bool>()));
        Assert.Equal((1, false), (listing["ops"]["members"]!.GetValue<int>(), listing["ops"]["joined"]!.GetValue<bool>()));
        Assert.Null(listing["ops"]["topic"]);
    }

    [Fact]
    public async Task The_owner_sets_the_topic_members_hear_it_and_later_joiners_see_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await using var carol = await server.GuestAsync("carol");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");

        var atAlice = new List<JsonObject>();
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", topic = "release on Friday", id = "t" }, "t", atAlice));
        foreach (var topic in new[] { atAlice.Single(f => f.Type() == "topic"), await bob.ReadUntilAsync(f => f.Type() == "topic") })
        {
            Assert.Equal(("dev", "release on Friday", "alice"), (topic.Str("room"), topic.Str("topic"), topic.Str("by")));
            Assert.NotNull(topic.Str("ts"));
        }

        var (before, _) = await JoinRoomAsync(carol, "DEV");
        Assert.Equal("release on Friday", before.Single(f => f.Type() == "room").Str("topic"));

        AssertError(await RequestAsync(bob, new { type = "topic", room = "dev", topic = "party", id = "t2" }, "t2"), "forbidden");
        var rooms = await RequestAsync(bob, new { type = "rooms", id = "r" }, "r");
        Assert.Equal("release on Friday", rooms["rooms"]!.AsArray().Single(r => r!["room"]!.GetValue<string>() == "dev")!["topic"]!.GetValue<string>());

        // An empty topic clears it.
        AssertOk(await RequestAsync(alice, new { type = "topic", room = "dev", topic = "", id = "t3" }, "t3"));
        var cleared = await carol.ReadUntilAsync(f => f.Type() == "topic" && f.Str("by") == "alice");
        Assert.Null(cleared["topic"]);
    }

    [Fact]
    public async Task Leave_tells_the_room_and_the_leavers_other_devices_and_ends_membership()
    {
        await using var server = await TestServer.StartAsync();
        await using var phone = await server.RegisterAsync("alice");
        await using var laptop = await server.LoginAsync("alice");
        await using var bob = await server.GuestAsync("bob");
        await JoinRoomAsync(phone, "dev");
        await laptop.ReadUntilAsync(f => f.Type() == "room" && f.Str("room") == "dev");
        await JoinRoomAsync(bob, "dev");

        AssertOk(await RequestAsync(phone, new { type = "leave", room = "dev", id = "l" }, "l"));

        foreach (var client in new[] { bob, laptop })
        {
            var left = await client.ReadUntilAsync(f => f.Type() == "left");
            Assert.Equal(("dev", "alice", "left"), (left.Str("room"), left.Str("user"), left.Str("reason")));
        }

        AssertError(await RequestAsync(laptop, new { type = "send", room = "dev", text = "hello?", id = "s" }, "s"), "not_in_room");
        AssertError(await RequestAsync(phone, new { type = "history", room = "dev", id = "h" }, "h"), "not_in_room");

        // Neither device gets the room's messages any more; a lobby marker after them proves it.
        await SendOkAsync(bob, "dev", "you missed this", "b1");
        await SendOkAsync(bob, "lobby", "marker", "b2");
        foreach (var device in new[] { phone, laptop })
        {
            var skipped = new List<JsonObject>();
            await device.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "marker", skipped: skipped);
            Assert.DoesNotContain(skipped, f => f.Type() == "message" && f.Str("room") == "dev");
        }

        var who = await RequestAsync(bob, new { type = "who", room = "dev", id = "w" }, "w");
        Assert.Equal(["bob"], Names(who["users"]!.AsArray()));
    }

    [Fact]
    public async Task Memberships_and_messages_survive_a_restart()
    {
        var server = await StartWithDevHistoryAsync();
        try
        {
            server = await RestartAsync(server);

            await using var again = await server.LoginAsync("alice");
            var welcome = again.Welcome;
            Assert.Equal(["dev", "lobby"], welcome["rooms"]!.AsArray().Select(r => r!["room"]!.GetValue<string>()).Order(StringComparer.Ordinal));

            var dev = await EntryFramesAsync(again, "dev", request: null);
            Assert.Equal("alice", Assert.Single(dev, f => f.Type() == "room").Str("owner"));
            var history = dev.Where(f => f.Type() == "history").ToList();
            Assert.Equal(["before restart 1", "before restart 2", "before restart 3"], history.SelectMany(Texts));
            Assert.Equal([1L, 2, 3], history.SelectMany(Seqs));

            var next = await SendOkAsync(again, "dev", "after restart", "m4");
            Assert.Equal(4, next.Seq());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Entering_a_room_after_a_restart_sends_the_room_frame_before_its_history()
    {
        var server = await StartWithDevHistoryAsync();
        try
        {
            server = await RestartAsync(server);

            // By login (a stored membership) and by join: the room frame, then history, as protocol.md promises.
            await using var again = await server.LoginAsync("alice");
            AssertRoomThenHistory(await EntryFramesAsync(again, "dev", request: null));

            await using var bob = await server.GuestAsync("bob");
            AssertRoomThenHistory(await EntryFramesAsync(bob, "dev", request: new { type = "join", room = "dev", id = "sync" }));
        }
        finally
        {
            await server.DisposeAsync();
        }

        static void AssertRoomThenHistory(List<JsonObject> frames)
        {
            var order = string.Join(" ", frames.Select(f => f.Type() == "history" ? $"history({Texts(f).Count})" : f.Type()));
            Assert.True(frames[0].Type() == "room" && frames.Skip(1).All(f => f.Type() == "history"), $"frames for dev: {order}");
            Assert.Equal([1L, 2, 3], frames.Skip(1).SelectMany(Seqs));
        }
    }

    /// <summary>A server where the account alice owns dev, which holds three messages.</summary>
    private static async Task<TestServer> StartWithDevHistoryAsync()
    {
        var server = await TestServer.StartAsync();
        var alice = await server.RegisterAsync("alice");
        await using (alice)
        {
            await JoinRoomAsync(alice, "dev");
            for (var i = 1; i <= 3; i++)
            {
                await SendOkAsync(alice, "dev", $"before restart {i}", $"m{i}");
            }
        }

        return server;
    }

    private static async Task<TestServer> RestartAsync(TestServer server)
    {
        await server.StopKeepingDataAsync();
        return await TestServer.StartInAsync(server.DataDirectory);
    }

    /// <summary>
    /// The frames about <paramref name="room"/> up to the answer to <paramref name="request"/> (with id "sync"),
    /// or, without a request, up to the answer to a ping sent after a login.
    /// </summary>
    private static async Task<List<JsonObject>> EntryFramesAsync(RawClient client, string room, object? request)
    {
        var frames = new List<JsonObject>();
        await RequestAsync(client, request ?? new { type = "ping", id = "sync" }, "sync", frames);
        return [.. frames.Where(f => f.Str("room") == room && f.Type() is "room" or "history")];
    }
}
