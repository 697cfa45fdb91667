using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Pins;

/// <summary>
/// Pins (docs/protocol.md, "Pins"): one suite run on every door that carries the frames (<see cref="PinTcpTests"/>,
/// <see cref="PinWebSocketTests"/>).
/// </summary>
public abstract class PinTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task The_owner_a_moderator_and_an_admin_pin_the_room_hears_it_and_entering_lists_the_pins_newest_first()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var boss = await RegisterAsync(server, "boss");
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");
        var first = await SendOkAsync(bob, "dev", "deploy friday", "b1");
        var second = await SendOkAsync(bob, "dev", "runbook: wiki/deploy", "b2");
        var third = await SendOkAsync(alice, "dev", "freeze from thursday", "a1");

        var pinned = await RequestAsync(alice, new { type = "pin", room = "dev", msg = first.Str("msg"), id = "p1" }, "p1");
        Assert.Equal(("ok", "dev", first.Str("msg"), first.Seq()), (pinned.Type(), pinned.Str("room"), pinned.Str("msg"), pinned.Seq()));
        var heard = await bob.ReadUntilAsync(f => f.Type() == "pinned");
        Assert.Equal(("dev", first.Str("msg"), first.Seq(), "alice"), (heard.Str("room"), heard.Str("msg"), heard.Seq(), heard.Str("by")));
        Assert.NotNull(heard.Str("ts"));

        // A moderator may, once made one; an admin may without being in the room.
        AssertOk(await RequestAsync(alice, new { type = "op", room = "dev", user = "bob", id = "o" }, "o"));
        AssertOk(await RequestAsync(bob, new { type = "pin", room = "dev", msg = second.Str("msg"), id = "p2" }, "p2"));
        AssertOk(await RequestAsync(boss, new { type = "pin", room = "dev", msg = third.Str("msg"), id = "p3" }, "p3"));
        Assert.Equal("boss", (await bob.ReadUntilAsync(f => f.Type() == "pinned" && f.Seq() == third.Seq())).Str("by"));

        // Pinning twice is an ok that nobody hears again.
        AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = first.Str("msg"), id = "p4" }, "p4"));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "pinned");

        await using var carol = await RegisterAsync(server, "carol");
        var (entered, _) = await JoinRoomAsync(carol, "dev");
        Assert.Equal([third.Str("msg"), second.Str("msg"), first.Str("msg")], Ids(entered.Single(f => f.Type() == "room")["pinned"]!));

        AssertOk(await RequestAsync(alice, new { type = "unpin", room = "dev", msg = second.Str("msg"), id = "u1" }, "u1"));
        var unpinned = await carol.ReadUntilAsync(f => f.Type() == "unpinned");
        Assert.Equal((second.Str("msg"), second.Seq(), "alice"), (unpinned.Str("msg"), unpinned.Seq(), unpinned.Str("by")));
        AssertOk(await RequestAsync(alice, new { type = "unpin", room = "dev", msg = second.Str("msg"), id = "u2" }, "u2"));
        Assert.DoesNotContain(await FramesUntilPongAsync(carol), f => f.Type() == "unpinned");

        await using var dave = await RegisterAsync(server, "dave");
        var (again, _) = await JoinRoomAsync(dave, "dev");
        Assert.Equal([third.Str("msg"), first.Str("msg")], Ids(again.Single(f => f.Type() == "room")["pinned"]!));
    }

    [Fact]
    public async Task A_member_is_forbidden_and_a_message_of_another_room_a_hidden_one_or_a_deleted_one_is_no_such_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        await JoinRoomAsync(alice, "dev");
        await JoinRoomAsync(bob, "dev");
        var message = await SendOkAsync(bob, "dev", "pin me", "b1");

        AssertError(await RequestAsync(bob, new { type = "pin", room = "dev", msg = message.Str("msg"), id = "p1" }, "p1"), "forbidden");
        AssertError(await RequestAsync(bob, new { type = "unpin", room = "dev", msg = message.Str("msg"), id = "p2" }, "p2"), "forbidden");

        // The message must be in the room named; one in another room is as good as missing.
        var lobbyMessage = await SendOkAsync(alice, "lobby", "in the lobby", "a1");
        var elsewhere = await RequestAsync(alice, new { type = "pin", room = "dev", msg = lobbyMessage.Str("msg"), id = "p3" }, "p3");
        var missing = await RequestAsync(alice, new { type = "pin", room = "dev", msg = "01JZZZZZZZZZZZZZZZZZZZZZZZ", id = "p4" }, "p4");
        AssertError(elsewhere, "no_such_message");
        AssertError(missing, "no_such_message");

        // Hidden: a private room alice is not in, and another pair's private conversation, answer as a missing message.
        AssertOk(await RequestAsync(carol, new { type = "join", room = "secret", @private = true, id = "j" }, "j"));
        var hidden = await SendOkAsync(carol, "secret", "for members", "c1");
        var hiddenAnswer = await RequestAsync(alice, new { type = "pin", room = "secret", msg = hidden.Str("msg"), id = "p5" }, "p5");
        AssertError(hiddenAnswer, "no_such_message");
        Assert.Equal(hiddenAnswer.Str("message")!.Replace(hidden.Str("msg")!, "ID", StringComparison.Ordinal).Replace("secret", "ROOM", StringComparison.Ordinal),
            missing.Str("message")!.Replace("01JZZZZZZZZZZZZZZZZZZZZZZZ", "ID", StringComparison.Ordinal).Replace("dev", "ROOM", StringComparison.Ordinal));
        var direct = await RequestAsync(bob, new { type = "send", to = "carol", text = "between us", id = "d1" }, "d1");
        AssertError(await RequestAsync(alice, new { type = "pin", msg = direct.Str("msg"), id = "p6" }, "p6"), "no_such_message");

        // A deleted message cannot be pinned; a bad id is a bad request.
        AssertOk(await RequestAsync(bob, new { type = "delete", room = "dev", msg = message.Str("msg"), id = "del" }, "del"));
        AssertError(await RequestAsync(alice, new { type = "pin", room = "dev", msg = message.Str("msg"), id = "p7" }, "p7"), "no_such_message");
        AssertError(await RequestAsync(alice, new { type = "pin", room = "dev", id = "p8" }, "p8"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "pin", room = "dev", msg = new string('x', 65), id = "p9" }, "p9"), "bad_request");
    }

    [Fact]
    public async Task The_51st_pin_is_refused_with_too_many_pins_until_one_is_unpinned()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await JoinRoomAsync(alice, "dev");
        var ids = new List<string>();
        for (var i = 1; i <= 51; i++)
        {
            ids.Add((await SendOkAsync(alice, "dev", $"m{i}", $"m{i}")).Str("msg")!);
        }

        for (var i = 0; i < 50; i++)
        {
            AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = ids[i], id = $"p{i}" }, $"p{i}"));
        }

        var refused = await RequestAsync(alice, new { type = "pin", room = "dev", msg = ids[50], id = "p50" }, "p50");
        AssertError(refused, "too_many_pins");
        Assert.Contains("50", refused.Str("message"), StringComparison.Ordinal);
        AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = ids[0], id = "again" }, "again")); // a repeat is no new pin

        AssertOk(await RequestAsync(alice, new { type = "unpin", room = "dev", msg = ids[0], id = "u" }, "u"));
        AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = ids[50], id = "p51" }, "p51"));
        var list = await RequestAsync(alice, new { type = "pins", room = "dev", id = "q" }, "q");
        Assert.Equal(50, list["pins"]!.AsArray().Count);
        Assert.Equal(ids[50], list["pins"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pins_answers_the_messages_newest_pin_first_and_a_private_room_refuses_a_non_member_exactly_like_a_missing_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        AssertOk(await RequestAsync(alice, new { type = "join", room = "secret", @private = true, id = "j" }, "j"));
        var first = await SendOkAsync(alice, "secret", "the plan", "a1");
        var long_ = await SendOkAsync(alice, "secret", new string('ü', 700), "a2");
        AssertOk(await RequestAsync(alice, new { type = "pin", room = "secret", msg = first.Str("msg"), id = "p1" }, "p1"));
        AssertOk(await RequestAsync(alice, new { type = "pin", room = "secret", msg = long_.Str("msg"), id = "p2" }, "p2"));

        var answer = await RequestAsync(alice, new { type = "pins", room = "secret", id = "q" }, "q");
        Assert.Equal(("ok", "secret"), (answer.Type(), answer.Str("room")));
        var pins = answer["pins"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal([long_.Str("msg"), first.Str("msg")], pins.Select(p => p.Str("id")));
        var plan = pins[1];
        Assert.Equal(("message", first.Seq(), "alice", "the plan", "alice"), (plan.Type(), plan.Seq(), plan.Str("from"), plan.Str("text"), plan.Str("pinnedBy")));
        Assert.NotNull(plan.Str("pinnedAt"));
        Assert.NotNull(plan.Str("ts"));
        Assert.Null(plan["truncated"]);
        Assert.Equal((500, true), (pins[0].Str("text")!.Length, pins[0]["truncated"]!.GetValue<bool>()));

        var hidden = await RequestAsync(bob, new { type = "pins", room = "secret", id = "h" }, "h");
        var missing = await RequestAsync(bob, new { type = "pins", room = "nosuch", id = "m" }, "m");
        AssertError(hidden, "no_such_room");
        Assert.Equal(missing.Str("message")!.Replace("nosuch", "ROOM", StringComparison.Ordinal), hidden.Str("message")!.Replace("secret", "ROOM", StringComparison.Ordinal));
        var lobby = await RequestAsync(bob, new { type = "pins", room = "lobby", id = "l" }, "l");
        AssertOk(lobby);
        Assert.Empty(lobby["pins"]!.AsArray());
        AssertOk(await RequestAsync(alice, new { type = "join", room = "dev", id = "d" }, "d"));
        AssertError(await RequestAsync(bob, new { type = "pins", room = "dev", id = "n" }, "n"), "not_in_room");
    }

    [Fact]
    public async Task Anyone_in_a_private_conversation_pins_the_other_hears_it_and_outsiders_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        var sent = await RequestAsync(alice, new { type = "send", to = "bob", text = "the address", id = "d1" }, "d1");
        AssertOk(sent);

        AssertOk(await RequestAsync(bob, new { type = "pin", room = "@alice,bob", msg = sent.Str("msg"), id = "p" }, "p"));
        var heard = await alice.ReadUntilAsync(f => f.Type() == "pinned");
        Assert.Equal(("@alice,bob", "bob"), (heard.Str("room"), heard.Str("by")));
        var list = await RequestAsync(alice, new { type = "pins", room = "@alice,bob", id = "q" }, "q");
        Assert.Equal("the address", list["pins"]![0]!["text"]!.GetValue<string>());

        AssertError(await RequestAsync(carol, new { type = "pins", room = "@alice,bob", id = "c" }, "c"), "forbidden");
        AssertError(await RequestAsync(carol, new { type = "unpin", room = "@alice,bob", msg = sent.Str("msg"), id = "u" }, "u"), "no_such_message");
    }

    [Fact]
    public async Task Deleting_a_pinned_message_unpins_it_and_a_restart_keeps_the_other_pins()
    {
        var server = await TestServer.StartAsync();
        try
        {
            await using (var alice = await RegisterAsync(server, "alice"))
            await using (var bob = await RegisterAsync(server, "bob"))
            {
                await JoinRoomAsync(alice, "dev");
                await JoinRoomAsync(bob, "dev");
                var kept = await SendOkAsync(bob, "dev", "keep me", "b1");
                var doomed = await SendOkAsync(bob, "dev", "delete me", "b2");
                AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = kept.Str("msg"), id = "p1" }, "p1"));
                AssertOk(await RequestAsync(alice, new { type = "pin", room = "dev", msg = doomed.Str("msg"), id = "p2" }, "p2"));

                AssertOk(await RequestAsync(bob, new { type = "delete", room = "dev", msg = doomed.Str("msg"), id = "d" }, "d"));
                var deleted = await alice.ReadUntilAsync(f => f.Type() == "deleted");
                var unpinned = await alice.ReadUntilAsync(f => f.Type() == "unpinned");
                Assert.Equal((doomed.Seq(), doomed.Seq(), "bob"), (deleted.Seq(), unpinned.Seq(), unpinned.Str("by")));
                var list = await RequestAsync(alice, new { type = "pins", room = "dev", id = "q" }, "q");
                Assert.Equal([kept.Str("msg")], list["pins"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
            }

            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(server.DataDirectory);
            await using var again = await LoginAsync(server, "alice");
            var room = await again.ReadUntilAsync(f => f.Type() == "room" && f.Str("room") == "dev");
            Assert.Single(room["pinned"]!.AsArray());
            var after = await RequestAsync(again, new { type = "pins", room = "dev", id = "q" }, "q");
            Assert.Equal(("keep me", "alice"), (after["pins"]![0]!["text"]!.GetValue<string>(), after["pins"]![0]!["pinnedBy"]!.GetValue<string>()));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static List<string?> Ids(JsonNode pinned) => [.. pinned.AsArray().Select(id => id!.GetValue<string>())];

    /// <summary>Frames that arrive before the answer to a ping (what the server queued before it).</summary>
    private static async Task<List<JsonObject>> FramesUntilPongAsync(RawClient client)
    {
        var id = Guid.NewGuid().ToString("N");
        var skipped = new List<JsonObject>();
        await RequestAsync(client, new { type = "ping", id }, id, skipped);
        return skipped;
    }

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "register", user, password = Password });

    private async Task<RawClient> LoginAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "hello", user, password = Password });

    private async Task<RawClient> HelloAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, hello);
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }
}

/// <summary>The pins suite over the native TCP door.</summary>
public sealed class PinTcpTests : PinTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The pins suite over the WebSocket door.</summary>
public sealed class PinWebSocketTests : PinTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
