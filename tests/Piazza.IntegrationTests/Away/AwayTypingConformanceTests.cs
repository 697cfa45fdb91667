using System.Diagnostics;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Away;

/// <summary>
/// <c>away</c> and <c>typing</c> (docs/protocol.md, "Away and typing"), one suite run on every door that carries the
/// frames (native TCP and WebSocket), each against a real server on 127.0.0.1 port 0.
/// </summary>
public abstract class AwayTypingConformanceTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> GuestAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    private async Task<RawClient> AccountAsync(TestServer server, string user, bool register)
    {
        var client = await ConnectAsync(server);
        await client.SendAsync(register ? new { type = "register", user, password = Password } : new { type = "hello", user, password = Password });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    /// <summary>Sends a message from <paramref name="from"/> and returns every frame <paramref name="to"/> got before it: what it heard until then.</summary>
    private static async Task<List<JsonObject>> HeardBeforeMarkerAsync(RawClient from, RawClient to, string room = "lobby")
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        AssertOk(await RequestAsync(from, new { type = "send", room, text = marker, id = marker }, marker));
        var heard = new List<JsonObject>();
        await to.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == marker, skipped: heard);
        return heard;
    }

    private static string? AwayOf(JsonObject frame, string user)
        => frame["users"]!.AsArray().Single(u => u!["user"]!.GetValue<string>() == user)!["away"]?.GetValue<string>();

    [Fact]
    public async Task Away_changes_are_limited_per_user_and_a_join_while_away_carries_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await AccountAsync(server, "alice", register: true);
        await using var bob = await GuestAsync(server, "bob");
        await JoinRoomAsync(bob, "dev");

        // A burst of five changes passes; the sixth, at once, is refused with when to try again.
        for (var i = 0; i < 5; i++)
        {
            AssertOk(await RequestAsync(alice, new { type = "away", text = i % 2 == 0 ? "lunch" : null, id = $"a{i}" }, $"a{i}"));
        }

        var limited = await RequestAsync(alice, new { type = "away", id = "a5" }, "a5");
        AssertError(limited, "rate_limited");
        Assert.NotNull(limited["retryAfter"]);

        // Still away ("lunch", the fifth change): joining dev, her joined frame says so.
        AssertOk(await RequestAsync(alice, new { type = "join", room = "dev", id = "j" }, "j"));
        var joined = await bob.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == "alice" && f.Str("room") == "dev");
        Assert.Equal("lunch", joined.Str("away"));
    }

    [Fact]
    public async Task Away_is_told_once_to_those_sharing_rooms_and_shown_by_who_welcome_and_the_room_frame_until_back()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");

        var own = new List<JsonObject>();
        var ok = await RequestAsync(alice, new { type = "away", text = "  lunch ", id = "a" }, "a", own);
        AssertOk(ok);
        Assert.Equal("lunch", ok.Str("text"));
        Assert.Equal("lunch", Assert.Single(own, f => f.Type() == "away").Str("text")); // her own connection hears it too

        // bob shares the lobby and dev with alice: one away frame, not one per room.
        var heard = await HeardBeforeMarkerAsync(alice, bob);
        var told = Assert.Single(heard, f => f.Type() == "away");
        Assert.Equal(("alice", "lunch"), (told.Str("user"), told.Str("text")));
        Assert.NotNull(told.Str("ts"));

        var who = await RequestAsync(bob, new { type = "who", room = "dev", id = "w" }, "w");
        Assert.Equal("lunch", AwayOf(who, "alice"));
        Assert.Null(AwayOf(who, "bob"));

        await using var carol = await GuestAsync(server, "carol");
        Assert.Equal("lunch", AwayOf(carol.Welcome, "alice"));
        var (entering, _) = await JoinRoomAsync(carol, "dev");
        Assert.Equal("lunch", AwayOf(entering.Single(f => f.Type() == "room"), "alice"));

        AssertOk(await RequestAsync(alice, new { type = "away", id = "b" }, "b"));
        var back = Assert.Single(await HeardBeforeMarkerAsync(alice, carol), f => f.Type() == "away");
        Assert.Equal("alice", back.Str("user"));
        Assert.Null(back["text"]);
        Assert.Null(AwayOf(await RequestAsync(carol, new { type = "who", room = "dev", id = "w2" }, "w2"), "alice"));
    }

    [Fact]
    public async Task Bad_away_text_gets_a_coded_error_and_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");

        AssertError(await RequestAsync(alice, new { type = "away", text = new string('z', 101), id = "long" }, "long"), "too_large");
        AssertError(await RequestAsync(alice, new { type = "away", text = "two\nlines", id = "nl" }, "nl"), "bad_text");
        AssertError(await RequestAsync(alice, new { type = "away", text = "bell\u0007", id = "ctl" }, "ctl"), "bad_text");
        AssertOk(await RequestAsync(alice, new { type = "away", text = new string('z', 100), id = "max" }, "max"));

        var heard = await HeardBeforeMarkerAsync(alice, bob);
        Assert.Equal([new string('z', 100)], heard.Where(f => f.Type() == "away").Select(f => f.Str("text")));
    }

    [Fact]
    public async Task Away_is_shared_by_an_accounts_devices_and_ends_with_its_last_connection()
    {
        await using var server = await TestServer.StartAsync();
        var phone = await AccountAsync(server, "alice", register: true);
        await using var laptop = await AccountAsync(server, "alice", register: false);
        await using var bob = await GuestAsync(server, "bob");

        AssertOk(await RequestAsync(phone, new { type = "away", text = "lunch", id = "a" }, "a"));
        Assert.Equal("lunch", (await laptop.ReadUntilAsync(f => f.Type() == "away")).Str("text"));
        Assert.Equal("lunch", (await bob.ReadUntilAsync(f => f.Type() == "away")).Str("text"));

        // One device going keeps it: the account is still connected.
        await phone.SendAsync(new { type = "bye" });
        Assert.True(await phone.WaitForCloseAsync());
        await phone.DisposeAsync();
        Assert.Equal("lunch", AwayOf(await RequestAsync(bob, new { type = "who", id = "w" }, "w"), "alice"));

        // The last one going forgets it: back the next time.
        await laptop.SendAsync(new { type = "bye" });
        await bob.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "alice");
        await using var again = await AccountAsync(server, "alice", register: false);
        Assert.Null(AwayOf(again.Welcome, "alice"));
    }

    [Fact]
    public async Task Typing_reaches_the_others_in_the_room_not_the_typist_and_a_flood_is_cut_to_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            await alice.SendAsync(new { type = "typing", room = "lobby" });
        }

        var heard = await HeardBeforeMarkerAsync(alice, bob);
        var typing = heard.Where(f => f.Type() == "typing").ToList();

        // One per 3 s: one unless this loaded machine took over 3 s to pass 20 frames.
        Assert.InRange(typing.Count, 1, 1 + (int)(clock.Elapsed.TotalSeconds / 3));
        Assert.All(typing, t => Assert.Equal(("lobby", "alice"), (t.Str("room"), t.Str("user"))));

        // Never answered, never echoed to the typist.
        var own = await HeardBeforeMarkerAsync(bob, alice);
        Assert.DoesNotContain(own, f => f.Type() is "typing" or "ok" or "error");
    }

    [Fact]
    public async Task Typing_where_one_is_not_is_refused_as_a_send_would_be_and_nobody_hears_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");
        await JoinRoomAsync(bob, "secret");

        AssertError(await RequestAsync(alice, new { type = "typing", room = "secret", id = "t1" }, "t1"), "not_in_room");
        AssertError(await RequestAsync(alice, new { type = "typing", room = "nowhere", id = "t2" }, "t2"), "no_such_room");
        AssertError(await RequestAsync(alice, new { type = "typing", id = "t3" }, "t3"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "typing", room = "@bob,carol", id = "t4" }, "t4"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "typing", room = "@Not An Id", id = "t5" }, "t5"), "bad_request");

        Assert.DoesNotContain(await HeardBeforeMarkerAsync(alice, bob), f => f.Type() == "typing");
    }

    [Fact]
    public async Task Typing_in_a_private_conversation_names_it_as_its_messages_do_and_only_the_other_hears()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await GuestAsync(server, "alice");
        await using var bob = await GuestAsync(server, "bob");
        await using var carol = await GuestAsync(server, "carol");

        AssertOk(await RequestAsync(alice, new { type = "send", to = "bob", text = "psst", id = "p" }, "p"));
        var conversation = (await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "psst")).Str("room")!;

        await alice.SendAsync(new { type = "typing", to = "bob" });
        var typing = await bob.ReadUntilAsync(f => f.Type() == "typing");
        Assert.Equal((conversation, "alice"), (typing.Str("room"), typing.Str("user")));

        // The same conversation by its id: throttled with the "to" form (one conversation, one notice per 3 s).
        await alice.SendAsync(new { type = "typing", room = conversation });
        await bob.SendAsync(new { type = "typing", room = conversation });
        var back = await alice.ReadUntilAsync(f => f.Type() == "typing");
        Assert.Equal((conversation, "bob"), (back.Str("room"), back.Str("user")));
        Assert.DoesNotContain(await HeardBeforeMarkerAsync(alice, carol), f => f.Type() == "typing");
        Assert.DoesNotContain(await HeardBeforeMarkerAsync(alice, bob), f => f.Type() == "typing");
    }

    [Fact]
    public async Task A_muted_users_typing_is_dropped()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await AccountAsync(server, "olga", register: true);
        await using var bob = await AccountAsync(server, "bob", register: true);
        await JoinRoomAsync(owner, "dev");
        await JoinRoomAsync(bob, "dev");
        AssertOk(await RequestAsync(owner, new { type = "mute", room = "dev", user = "bob", id = "m" }, "m"));

        await bob.SendAsync(new { type = "typing", room = "dev" });
        await bob.SendAsync(new { type = "typing", room = "lobby" }); // not muted there
        var heard = await HeardBeforeMarkerAsync(bob, owner);
        Assert.Equal([("lobby", "bob")], heard.Where(f => f.Type() == "typing").Select(f => (f.Str("room"), f.Str("user"))));
    }
}

/// <summary>The away and typing suite over the native TCP door.</summary>
public sealed class AwayTypingTcpTests : AwayTypingConformanceTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The away and typing suite over the WebSocket door.</summary>
public sealed class AwayTypingWebSocketTests : AwayTypingConformanceTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
