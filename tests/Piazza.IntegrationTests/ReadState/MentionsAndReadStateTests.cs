using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.ReadState;

/// <summary>
/// Mentions and read state on every device (docs/protocol.md, "Mentions", "Read state"): one suite run on every door
/// that carries the frames (<see cref="MentionsAndReadStateTcpTests"/>, <see cref="MentionsAndReadStateWebSocketTests"/>).
/// </summary>
public abstract class MentionsAndReadStateTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task Mentions_of_members_are_listed_in_the_message_and_in_history_and_other_tokens_are_text()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        (await RegisterAsync(server, "Bob")).Abort(); // a member of the lobby, offline now
        await using var carol = await GuestAsync(server, "carol");

        var ok = await SendOkAsync(alice, "lobby", "@BOB. and @carol, not bob@example.com nor @nobody", "m1");
        var live = await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("msg") is null && f.Seq() == ok.Seq());
        var carolKey = Keys(live)[1];
        Assert.Equal("bob", Keys(live)[0]);
        Assert.StartsWith("~carol~", carolKey, StringComparison.Ordinal);
        Assert.Null((await SendAndReadAsync(alice, carol, "lobby", "nobody here: @dave"))["mentions"]);

        var history = await RequestAsync(alice, new { type = "history", room = "lobby", id = "h" }, "h");
        var messages = history["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(["bob", carolKey], Keys(messages.Single(m => m.Seq() == ok.Seq())));
        Assert.Null(messages.Single(m => m.Str("text") == "nobody here: @dave")["mentions"]);

        // A private conversation's members are its two participants.
        var direct = await RequestAsync(alice, new { type = "send", to = "bob", text = "@bob @carol look", id = "d1" }, "d1");
        AssertOk(direct);
        var stored = await RequestAsync(alice, new { type = "history", with = "bob", id = "h2" }, "h2");
        Assert.Equal(["bob"], Keys(stored["messages"]!.AsArray().Single()!.AsObject()));
    }

    [Fact]
    public async Task At_room_mentions_everyone_in_a_small_room_and_only_a_moderator_may_say_it_in_a_room_over_20()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await RegisterAsync(server, "owner");
        await JoinRoomAsync(owner, "small");
        await JoinRoomAsync(owner, "big");
        var guests = new List<RawClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var guest = await GuestAsync(server, $"g{i}");
                guests.Add(guest);
                await JoinRoomAsync(guest, "big");
            }

            await JoinRoomAsync(guests[0], "small");
            Assert.Equal(["@room"], Keys(await SendAndReadAsync(guests[0], owner, "small", "@room standup")));
            Assert.Null((await SendAndReadAsync(guests[0], owner, "big", "@room standup"))["mentions"]);
            var keys = Keys(await SendAndReadAsync(owner, guests[0], "big", "@room standup, @G1 too"));
            Assert.Equal("@room", keys[0]);
            Assert.StartsWith("~g1~", Assert.Single(keys.Skip(1)), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var guest in guests)
            {
                await guest.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_read_reaches_the_accounts_other_connection_and_a_third_connection_starts_with_the_same_counts()
    {
        await using var server = await TestServer.StartAsync();
        await using var phone = await RegisterAsync(server, "alice");
        await using var laptop = await LoginAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await SendOkAsync(bob, "lobby", "one", "b1");
        await SendOkAsync(bob, "lobby", "two, @alice", "b2");
        await SendOkAsync(phone, "lobby", "mine", "a1");
        var last = (await SendOkAsync(bob, "lobby", "three @room", "b3")).Seq();

        var read = await RequestAsync(phone, new { type = "read", room = "lobby", seq = 1, id = "r" }, "r");
        Assert.Equal(("ok", "lobby", 1L), (read.Type(), read.Str("room"), read.Seq()));
        var heard = await laptop.ReadUntilAsync(f => f.Type() == "read");
        Assert.Equal(("lobby", 1L), (heard.Str("room"), heard.Seq()));
        Assert.DoesNotContain(await FramesUntilPongAsync(phone), f => f.Type() == "read");

        // After seq 1: bob's two, three (mentions alice, and everyone); alice's own is no unread.
        await using var tablet = await LoginAsync(server, "alice");
        var lobby = Conversation(tablet.Welcome, "lobby");
        Assert.Equal((last, 1L, 2L, 2L), (lobby.Seq(), Long(lobby, "read"), Long(lobby, "unread"), Long(lobby, "mentions")));

        // The room frame of a join carries the same counts for that room.
        await JoinRoomAsync(bob, "dev");
        await SendOkAsync(bob, "dev", "hi @alice", "d1");
        await SendOkAsync(bob, "dev", "anyone?", "d2");
        var (entered, _) = await JoinRoomAsync(tablet, "dev");
        var room = entered.Single(f => f.Type() == "room");
        Assert.Equal((2L, 0L, 2L, 0L), (room.Seq(), Long(room, "read"), Long(room, "unread"), Long(room, "mentions")));
    }

    [Fact]
    public async Task Read_never_moves_backwards_a_stale_seq_answers_the_stored_one_and_bad_seqs_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var other = await LoginAsync(server, "alice");
        for (var i = 1; i <= 3; i++)
        {
            await SendOkAsync(alice, "lobby", $"m{i}", $"m{i}");
        }

        AssertOk(await RequestAsync(alice, new { type = "read", room = "lobby", seq = 3, id = "r1" }, "r1"));
        Assert.Equal(3, (await other.ReadUntilAsync(f => f.Type() == "read")).Seq());
        var stale = await RequestAsync(alice, new { type = "read", room = "LOBBY", seq = 1, id = "r2" }, "r2");
        Assert.Equal(("ok", "lobby", 3L), (stale.Type(), stale.Str("room"), stale.Seq()));
        Assert.DoesNotContain(await FramesUntilPongAsync(other), f => f.Type() == "read");

        AssertError(await RequestAsync(alice, new { type = "read", room = "lobby", seq = 4, id = "r3" }, "r3"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "read", room = "lobby", seq = -1, id = "r4" }, "r4"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "read", room = "lobby", id = "r5" }, "r5"), "bad_request");
        await using var later = await LoginAsync(server, "alice");
        Assert.Equal(3, Long(Conversation(later.Welcome, "lobby"), "read"));
    }

    [Fact]
    public async Task A_read_of_a_conversation_the_user_may_not_read_is_refused_as_history_is()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        await JoinRoomAsync(bob, "secret");
        await SendOkAsync(bob, "secret", "for members", "s1");
        await SendOkAsync(bob, "lobby", "hello", "l1");
        AssertOk(await RequestAsync(bob, new { type = "send", to = "carol", text = "psst", id = "p1" }, "p1"));

        AssertError(await RequestAsync(alice, new { type = "read", room = "secret", seq = 1, id = "r1" }, "r1"), "not_in_room");
        AssertError(await RequestAsync(alice, new { type = "read", room = "nowhere", seq = 0, id = "r2" }, "r2"), "no_such_room");
        AssertError(await RequestAsync(alice, new { type = "read", room = "@bob,carol", seq = 1, id = "r3" }, "r3"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "read", room = "@bob,alice", seq = 0, id = "r4" }, "r4"), "bad_request");
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "read");

        // A conversation of hers that nobody ever wrote to: nothing to read, and no position stored for a made-up id.
        AssertError(await RequestAsync(alice, new { type = "read", room = "@alice,zed", seq = 0, id = "r6" }, "r6"), "no_such_room");
        AssertError(await RequestAsync(alice, new { type = "read", room = "@alice,bob,zed", seq = 0, id = "r7" }, "r7"), "no_such_room");

        // Their own private conversation is theirs to mark, and a guest's read is kept for its session.
        var mine = await RequestAsync(carol, new { type = "read", room = "@bob,carol", seq = 1, id = "r5" }, "r5");
        Assert.Equal(("ok", 1L), (mine.Type(), mine.Seq()));
        await using var guest = await GuestAsync(server, "dave");
        AssertOk(await RequestAsync(guest, new { type = "read", room = "lobby", seq = 1, id = "g1" }, "g1"));
        Assert.Equal(1, (await RequestAsync(guest, new { type = "read", room = "lobby", seq = 0, id = "g2" }, "g2")).Seq());
    }

    /// <summary>Registers through the door under test; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    private async Task<RawClient> RegisterAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "register", user, password = Password });

    private async Task<RawClient> LoginAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "hello", user, password = Password });

    private async Task<RawClient> GuestAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "hello", user });

    private async Task<RawClient> HelloAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, hello);
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }

    /// <summary>Sends from one client and returns the message frame another receives.</summary>
    private static async Task<JsonObject> SendAndReadAsync(RawClient from, RawClient to, string room, string text)
    {
        var ok = await SendOkAsync(from, room, text, Guid.NewGuid().ToString("N"));
        return await to.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == room && f.Seq() == ok.Seq());
    }

    /// <summary>Frames that arrive before the answer to a ping (what the server queued before it).</summary>
    private static async Task<List<JsonObject>> FramesUntilPongAsync(RawClient client)
    {
        var id = Guid.NewGuid().ToString("N");
        var skipped = new List<JsonObject>();
        await RequestAsync(client, new { type = "ping", id }, id, skipped);
        return skipped;
    }

    private static List<string> Keys(JsonObject message) => [.. message["mentions"]!.AsArray().Select(k => k!.GetValue<string>())];

    private static JsonObject Conversation(JsonObject welcome, string room)
        => welcome["conversations"]!.AsArray().Select(c => c!.AsObject()).Single(c => c.Str("room") == room);

    private static long Long(JsonObject frame, string name) => frame[name]!.GetValue<long>();
}

/// <summary>The mentions and read-state suite over the native TCP door.</summary>
public sealed class MentionsAndReadStateTcpTests : MentionsAndReadStateTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The mentions and read-state suite over the WebSocket door.</summary>
public sealed class MentionsAndReadStateWebSocketTests : MentionsAndReadStateTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
