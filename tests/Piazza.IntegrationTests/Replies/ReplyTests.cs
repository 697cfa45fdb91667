using System.Globalization;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Replies;

/// <summary>
/// Replies (docs/protocol.md, "Replies"): a <c>send</c> with <c>reply</c> quotes a message of the same conversation;
/// the quote is delivered live, in history and on resume, follows the original's deletion, and survives a restart.
/// One suite run on every door that carries the frames (<see cref="ReplyTcpTests"/>, <see cref="ReplyWebSocketTests"/>).
/// </summary>
public abstract class ReplyTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task A_reply_is_delivered_with_its_quote_and_history_carries_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        var original = await SendOkAsync(bob, "lobby", "deploy on friday?", "b1");

        var ok = await ReplyAsync(alice, "lobby", "yes, after lunch", original.Str("msg")!, "a1");
        AssertOk(ok);
        var live = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Seq() == ok.Seq());
        AssertQuote(live, original, "bob", "deploy on friday?");
        Assert.Equal("yes, after lunch", live.Str("text"));

        var history = await RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h");
        var messages = Messages(history);
        AssertQuote(messages.Single(m => m.Seq() == ok.Seq()), original, "bob", "deploy on friday?");
        Assert.Null(messages.Single(m => m.Seq() == original.Seq())["reply"]);
    }

    [Fact]
    public async Task The_quote_keeps_the_first_200_text_elements_never_half_an_emoji()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        var thumbs = string.Concat(Enumerable.Repeat("👍🏽", 250));
        var long1 = await SendOkAsync(alice, "lobby", thumbs, "l1");
        var plain = await SendOkAsync(alice, "lobby", new string('x', 201), "l2");

        var first = await ReplyAsync(alice, "lobby", "so many", long1.Str("msg")!, "r1");
        var second = await ReplyAsync(alice, "lobby", "and x", plain.Str("msg")!, "r2");
        var history = Messages(await RequestAsync(alice, new { type = "history", room = "lobby", id = "h" }, "h"));
        var quoted = history.Single(m => m.Seq() == first.Seq())["reply"]!["text"]!.GetValue<string>();
        Assert.Equal(200, new StringInfo(quoted).LengthInTextElements);
        Assert.Equal(string.Concat(Enumerable.Repeat("👍🏽", 200)), quoted);
        Assert.Equal(new string('x', 200), history.Single(m => m.Seq() == second.Seq())["reply"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reply_across_conversations_is_refused_and_a_hidden_or_missing_message_answers_no_such_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "dev");
        var inDev = await SendOkAsync(alice, "dev", "in dev", "d1");

        // alice sees it, but it is in another conversation.
        var across = await ReplyAsync(alice, "lobby", "wrong place", inDev.Str("msg")!, "x1");
        AssertError(across, "bad_request");
        Assert.Contains("same conversation", across.Str("message"), StringComparison.Ordinal);

        // bob is not in dev: the message is hidden from him, exactly like a missing one.
        var hidden = await ReplyAsync(bob, "lobby", "peek", inDev.Str("msg")!, "x2");
        var missing = await ReplyAsync(bob, "lobby", "peek", "0123456789abcdef0123456789abcdef", "x3");
        AssertError(hidden, "no_such_message");
        AssertError(missing, "no_such_message");
        Assert.Equal(missing.Str("message")!.Replace("0123456789abcdef0123456789abcdef", inDev.Str("msg"), StringComparison.Ordinal), hidden.Str("message"));

        // A private room's message is hidden from a non-member, even one who names the room.
        AssertOk(await RequestAsync(alice, new { type = "join", room = "den", @private = true, id = "cp" }, "cp"));
        var secret = await SendOkAsync(alice, "den", "secret", "s1");
        AssertError(await ReplyAsync(bob, "lobby", "peek", secret.Str("msg")!, "x4"), "no_such_message");
        AssertError(await ReplyAsync(bob, "den", "peek", secret.Str("msg")!, "x5"), "no_such_room");

        AssertError(await ReplyAsync(alice, "lobby", "bad", new string('a', 65), "x6"), "bad_request");
        AssertError(await ReplyAsync(alice, "lobby", "bad", "", "x7"), "bad_request");
        AssertError(await ReplyAsync(alice, "lobby", " ", secret.Str("msg")!, "x8"), "bad_request");
        AssertOk(await SendOkAsync(bob, "lobby", "still usable", "ok"));
    }

    [Fact]
    public async Task A_deleted_message_cannot_be_replied_to_and_quotes_of_it_follow_its_deletion_in_history_and_from_the_ring()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await JoinRoomAsync(alice, "dev"); // alice owns dev: she may delete in it
        await JoinRoomAsync(bob, "dev");
        var original = await SendOkAsync(bob, "dev", "oops, a password", "b1");
        var reply = await ReplyAsync(alice, "dev", "delete that!", original.Str("msg")!, "a1");
        AssertOk(reply);

        AssertOk(await RequestAsync(alice, new { type = "delete", room = "dev", msg = original.Str("msg"), id = "d" }, "d"));
        await bob.ReadUntilAsync(f => f.Type() == "deleted" && f.Str("msg") == original.Str("msg"));
        AssertError(await ReplyAsync(bob, "dev", "too late", original.Str("msg")!, "b2"), "no_such_message");

        // History from the store builds the quote from the original's current (deleted) row.
        var history = Messages(await RequestAsync(bob, new { type = "history", room = "dev", id = "h" }, "h"));
        AssertDeletedQuote(history.Single(m => m.Seq() == reply.Seq()), original);

        // A resume within the recent ring is served from memory: its copy of the reply follows the deletion too.
        await using var resumed = await HelloAsync(server, new { type = "hello", token = bob.Welcome.Str("token"), resume = new Dictionary<string, long> { ["dev"] = original.Seq() } });
        var replayed = await resumed.ReadUntilAsync(f => f.Type() == "history" && f["re"] is null && f.Str("room") == "dev");
        AssertDeletedQuote(Messages(replayed).Single(m => m.Seq() == reply.Seq()), original);
    }

    [Fact]
    public async Task Replies_work_in_two_person_and_group_conversations_and_resume_carries_the_quote()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");

        var direct = await RequestAsync(alice, new { type = "send", to = "bob", text = "lunch?", id = "p1" }, "p1");
        AssertOk(direct);
        var answer = await RequestAsync(bob, new { type = "send", to = "alice", text = "sure", reply = direct.Str("msg"), id = "p2" }, "p2");
        AssertOk(answer);
        var heard = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == "@alice,bob" && f.Seq() == answer.Seq());
        AssertQuote(heard, direct, "alice", "lunch?");

        // carol cannot quote alice and bob's conversation into hers.
        AssertError(await RequestAsync(carol, new { type = "send", to = "alice", text = "x", reply = direct.Str("msg"), id = "p3" }, "p3"), "no_such_message");

        var group = await RequestAsync(alice, new { type = "send", to = new[] { "bob", "carol" }, text = "retro at 4", id = "g1" }, "g1");
        AssertOk(group);
        var groupReply = await RequestAsync(carol, new { type = "send", to = new[] { "alice", "bob" }, text = "ok", reply = group.Str("msg"), id = "g2" }, "g2");
        AssertOk(groupReply);
        AssertError(await RequestAsync(carol, new { type = "send", to = new[] { "alice", "bob" }, text = "x", reply = direct.Str("msg"), id = "g3" }, "g3"), "no_such_message");
        AssertError(await RequestAsync(bob, new { type = "send", to = new[] { "alice", "carol" }, text = "x", reply = direct.Str("msg"), id = "g4" }, "g4"), "bad_request");

        await using var again = await HelloAsync(server, new { type = "hello", token = bob.Welcome.Str("token"), resume = new Dictionary<string, long> { ["@alice,bob,carol"] = 0, ["@alice,bob"] = 0 } });
        var groupHistory = await again.ReadUntilAsync(f => f.Type() == "history" && f["re"] is null && f.Str("room") == "@alice,bob,carol");
        AssertQuote(Messages(groupHistory).Single(m => m.Seq() == groupReply.Seq()), group, "alice", "retro at 4");
    }

    [Fact]
    public async Task A_restart_keeps_replies_and_their_quotes()
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-reply-" + Guid.NewGuid().ToString("N"));
        try
        {
            JsonObject original;
            JsonObject reply;
            await using (var server = await TestServer.StartInAsync(data))
            {
                await using var alice = await RegisterAsync(server, "alice");
                original = await SendOkAsync(alice, "lobby", "before the restart", "a1");
                reply = await ReplyAsync(alice, "lobby", "me too", original.Str("msg")!, "a2");
                AssertOk(reply);
                await server.StopKeepingDataAsync();
            }

            await using (var server = await TestServer.StartInAsync(data))
            {
                await using var alice = await HelloAsync(server, new { type = "hello", user = "alice", password = Password });
                var history = Messages(await RequestAsync(alice, new { type = "history", room = "lobby", id = "h" }, "h"));
                AssertQuote(history.Single(m => m.Seq() == reply.Seq()), original, "alice", "before the restart");

                // The reloaded ring answers a reply to an old message as well as the store does.
                var again = await ReplyAsync(alice, "lobby", "still", original.Str("msg")!, "a3");
                AssertOk(again);
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static Task<JsonObject> ReplyAsync(RawClient client, string room, string text, string reply, string id)
        => RequestAsync(client, new { type = "send", room, text, reply, id }, id);

    private static void AssertQuote(JsonObject message, JsonObject original, string from, string text)
    {
        var quote = message["reply"]?.AsObject();
        Assert.True(quote is not null, $"no quote in {message.ToJsonString()}");
        Assert.Equal((original.Str("msg"), original.Seq(), from, text), (quote.Str("msg"), quote.Seq(), quote.Str("from"), quote.Str("text")));
        Assert.Null(quote["deleted"]);
    }

    private static void AssertDeletedQuote(JsonObject message, JsonObject original)
    {
        var quote = message["reply"]?.AsObject();
        Assert.True(quote is not null, $"no quote in {message.ToJsonString()}");
        Assert.Equal((original.Str("msg"), original.Seq(), "bob", true), (quote.Str("msg"), quote.Seq(), quote.Str("from"), quote["deleted"]?.GetValue<bool>() == true));
        Assert.Null(quote["text"]);
    }

    private static List<JsonObject> Messages(JsonObject history) => [.. history["messages"]!.AsArray().Select(m => m!.AsObject())];

    private async Task<RawClient> RegisterAsync(TestServer server, string user)
        => await HelloAsync(server, new { type = "register", user, password = Password });

    private async Task<RawClient> HelloAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, hello);
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }
}

/// <summary>The reply suite over the native TCP door.</summary>
public sealed class ReplyTcpTests : ReplyTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The reply suite over the WebSocket door.</summary>
public sealed class ReplyWebSocketTests : ReplyTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
