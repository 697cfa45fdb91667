using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Editing;

/// <summary>
/// Editing messages (docs/protocol.md, "Edit"): one suite run on every door that carries the frames
/// (<see cref="EditTcpTests"/>, <see cref="EditWebSocketTests"/>).
/// </summary>
public abstract class EditTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task An_edit_reaches_the_room_with_its_new_mentions_and_history_and_resume_serve_the_current_text()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        var sent = await SendOkAsync(alice, "lobby", "helo evryone", "m1");
        await bob.ReadUntilAsync(f => f.Type() == "message" && f.Seq() == sent.Seq());

        var ok = await RequestAsync(alice, new { type = "edit", msg = sent.Str("msg"), text = "hello @bob", id = "e" }, "e");
        Assert.Equal(("ok", "lobby", sent.Str("msg"), sent.Seq()), (ok.Type(), ok.Str("room"), ok.Str("msg"), ok.Seq()));
        var editedAt = ok.Str("editedAt")!;
        var heard = await bob.ReadUntilAsync(f => f.Type() == "edited");
        Assert.Equal(("lobby", sent.Str("msg"), sent.Seq(), "hello @bob", editedAt, "alice"), (heard.Str("room"), heard.Str("msg"), heard.Seq(), heard.Str("text"), heard.Str("editedAt"), heard.Str("by")));
        Assert.Equal("bob", heard["mentions"]!.AsArray().Single()!.GetValue<string>());

        // The same text again changes nothing and tells nobody.
        var again = await RequestAsync(alice, new { type = "edit", msg = sent.Str("msg"), text = "hello @bob", id = "e2" }, "e2");
        Assert.Equal(("ok", editedAt), (again.Type(), again.Str("editedAt")));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "edited");

        var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
        var message = history["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Seq() == sent.Seq());
        Assert.Equal(("hello @bob", editedAt), (message.Str("text"), message.Str("editedAt")));

        // A reconnecting client resumes from before the message: the replay carries the current text.
        var client = await ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync(new { type = "hello", token = bob.Welcome.Str("token"), resume = new Dictionary<string, long> { ["lobby"] = sent.Seq() - 1 } });
            var replay = await client.ReadUntilAsync(f => f.Type() == "history" && f.Str("room") == "lobby" && f["messages"]!.AsArray().Any(m => m!.AsObject().Seq() == sent.Seq()));
            var replayed = replay["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Seq() == sent.Seq());
            Assert.Equal(("hello @bob", editedAt), (replayed.Str("text"), replayed.Str("editedAt")));
        }

        // A later joiner gets the recent messages from memory: edited there too.
        await using var carol = await RegisterAsync(server, "carol");
        var (_, entry) = await ReadEntryAsync(carol, "lobby");
        var entered = entry["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Seq() == sent.Seq());
        Assert.Equal(("hello @bob", editedAt), (entered.Str("text"), entered.Str("editedAt")));
    }

    [Fact]
    public async Task Only_the_author_edits_and_the_text_rules_of_send_apply()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var guest = await GuestAsync(server, "gus");
        var id = (await SendOkAsync(alice, "lobby", "original", "m1")).Str("msg");
        var guests = (await SendOkAsync(guest, "lobby", "a guest's", "g1")).Str("msg");

        AssertError(await RequestAsync(bob, new { type = "edit", msg = id, text = "mine now", id = "e1" }, "e1"), "forbidden");
        AssertError(await RequestAsync(guest, new { type = "edit", msg = guests, text = "changed", id = "e2" }, "e2"), "forbidden");
        AssertError(await RequestAsync(alice, new { type = "edit", msg = id, text = new string('x', 4001), id = "e3" }, "e3"), "too_large");
        AssertError(await RequestAsync(alice, new { type = "edit", msg = id, text = "bell \u0007", id = "e4" }, "e4"), "bad_text");
        AssertError(await RequestAsync(alice, new { type = "edit", msg = id, text = "  ", id = "e5" }, "e5"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "edit", text = "no id", id = "e6" }, "e6"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "edit", msg = "0123456789abcdef0123456789abcdef", text = "x", id = "e7" }, "e7"), "no_such_message");

        var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.Equal(["original", "a guest's"], Texts(history));
        Assert.All(history["messages"]!.AsArray(), m => Assert.Null(m!["editedAt"]));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "edited");
    }

    [Fact]
    public async Task A_deleted_message_or_one_in_a_room_the_user_is_not_in_answers_no_such_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        var gone = (await SendOkAsync(alice, "lobby", "regret", "m1")).Str("msg");
        AssertOk(await RequestAsync(alice, new { type = "delete", msg = gone, id = "d" }, "d"));
        AssertError(await RequestAsync(alice, new { type = "edit", msg = gone, text = "back", id = "e1" }, "e1"), "no_such_message");

        // Bob's message in a room alice is not in, and alice's own in a room she left: hidden, as missing.
        await JoinRoomAsync(bob, "secret");
        var hidden = (await SendOkAsync(bob, "secret", "members only", "s1")).Str("msg");
        var missing = await RequestAsync(alice, new { type = "edit", msg = hidden, text = "x", id = "e2" }, "e2");
        var none = await RequestAsync(alice, new { type = "edit", msg = "0123456789abcdef0123456789abcdef", text = "x", id = "e3" }, "e3");
        AssertError(missing, "no_such_message");
        AssertError(none, "no_such_message");
        Assert.Equal(none.Str("message")!.Replace("0123456789abcdef0123456789abcdef", hidden, StringComparison.Ordinal), missing.Str("message"));
        AssertError(await RequestAsync(alice, new { type = "versions", msg = hidden, id = "v" }, "v"), "no_such_message");

        await JoinRoomAsync(alice, "dev");
        var left = (await SendOkAsync(alice, "dev", "before I go", "l1")).Str("msg");
        AssertOk(await RequestAsync(alice, new { type = "leave", room = "dev", id = "l" }, "l"));
        AssertError(await RequestAsync(alice, new { type = "edit", msg = left, text = "x", id = "e4" }, "e4"), "no_such_message");
    }

    [Fact]
    public async Task Earlier_versions_are_for_the_rooms_moderators_and_owner_only_and_go_with_a_deletion()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await RegisterAsync(server, "owner");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        await JoinRoomAsync(owner, "dev");
        await JoinRoomAsync(bob, "dev");
        await JoinRoomAsync(carol, "dev");
        var sent = await SendOkAsync(bob, "dev", "v1", "m1");
        var id = sent.Str("msg");
        AssertOk(await RequestAsync(bob, new { type = "edit", msg = id, text = "v2", id = "e1" }, "e1"));
        var last = await RequestAsync(bob, new { type = "edit", msg = id, text = "v3", id = "e2" }, "e2");

        AssertError(await RequestAsync(bob, new { type = "versions", msg = id, id = "v1" }, "v1"), "forbidden");
        AssertError(await RequestAsync(carol, new { type = "versions", msg = id, id = "v2" }, "v2"), "forbidden");
        var versions = await RequestAsync(owner, new { type = "versions", msg = id, id = "v3" }, "v3");
        Assert.Equal(("ok", "dev", sent.Seq()), (versions.Type(), versions.Str("room"), versions.Seq()));
        var list = versions["versions"]!.AsArray().Select(v => v!.AsObject()).ToList();
        Assert.Equal(["v1", "v2", "v3"], list.Select(v => v.Str("text")));
        Assert.Equal(last.Str("editedAt"), list[^1].Str("ts"));

        AssertOk(await RequestAsync(owner, new { type = "op", room = "dev", user = "carol", id = "o" }, "o"));
        var moderator = await RequestAsync(carol, new { type = "versions", msg = id, id = "v4" }, "v4");
        Assert.Equal(3, moderator["versions"]!.AsArray().Count);

        AssertOk(await RequestAsync(bob, new { type = "delete", msg = id, id = "d" }, "d"));
        AssertError(await RequestAsync(owner, new { type = "versions", msg = id, id = "v5" }, "v5"), "no_such_message");
    }

    [Fact]
    public async Task A_restart_keeps_the_edited_text_and_its_time()
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-test-" + Guid.NewGuid().ToString("N"));
        string id;
        string? editedAt;
        var server = await TestServer.StartInAsync(data);
        await using (var alice = await RegisterAsync(server, "alice"))
        {
            id = (await SendOkAsync(alice, "lobby", "first", "m1")).Str("msg")!;
            editedAt = (await RequestAsync(alice, new { type = "edit", msg = id, text = "second", id = "e" }, "e")).Str("editedAt");
        }

        await server.StopKeepingDataAsync();
        await using var restarted = await TestServer.StartInAsync(data);
        await using var again = await LoginAsync(restarted, "alice");
        var history = await RequestAsync(again, new { type = "history", room = "lobby", id = "h" }, "h");
        var message = history["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Str("id") == id);
        Assert.Equal(("second", editedAt), (message.Str("text"), message.Str("editedAt")));
    }

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

    /// <summary>Frames that arrive before the answer to a ping (what the server queued before it).</summary>
    private static async Task<List<JsonObject>> FramesUntilPongAsync(RawClient client)
    {
        var id = Guid.NewGuid().ToString("N");
        var skipped = new List<JsonObject>();
        await RequestAsync(client, new { type = "ping", id }, id, skipped);
        return skipped;
    }
}

/// <summary>The edit suite over the native TCP door.</summary>
public sealed class EditTcpTests : EditTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The edit suite over the WebSocket door.</summary>
public sealed class EditWebSocketTests : EditTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
