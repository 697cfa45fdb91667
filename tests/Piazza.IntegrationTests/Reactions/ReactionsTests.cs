using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Reactions;

/// <summary>
/// Reactions (docs/protocol.md, "Reactions"): one suite run on every door that carries the frames
/// (<see cref="ReactionsTcpTests"/>, <see cref="ReactionsWebSocketTests"/>).
/// </summary>
public abstract class ReactionsTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task A_reaction_reaches_the_conversation_once_a_shortcode_counts_with_its_emoji_and_unreact_takes_it_back()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        var sent = await SendOkAsync(bob, "lobby", "shipped", "s1");
        var (msg, seq) = (sent.Str("msg")!, sent.Seq());

        var ok = await ReactAsync(alice, "react", msg, "👍", "r1");
        Assert.Equal(("ok", "lobby", msg, seq, "👍"), (ok.Type(), ok.Str("room"), ok.Str("msg"), ok.Seq(), ok.Str("emoji")));
        var heard = await bob.ReadUntilAsync(f => f.Type() == "reaction");
        Assert.Equal(("lobby", msg, seq, "👍", "alice", true), (heard.Str("room"), heard.Str("msg"), heard.Seq(), heard.Str("emoji"), heard.Str("user"), heard["on"]!.GetValue<bool>()));

        // Again: ok, and nobody hears a second reaction.
        AssertOk(await ReactAsync(alice, "react", msg, "👍", "r2"));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "reaction");

        var shortcode = await ReactAsync(bob, "react", msg, ":+1:", "r3");
        Assert.Equal("👍", shortcode.Str("emoji"));
        Assert.Equal(("👍", "bob"), await alice.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("user") == "bob") is var b ? (b.Str("emoji"), b.Str("user")) : default);
        AssertOk(await ReactAsync(bob, "react", msg, "🎉", "r4"));
        Assert.Equal(["👍=alice,bob", "🎉=bob"], Reactions(await MessageInHistoryAsync(alice, msg)));

        AssertOk(await ReactAsync(alice, "unreact", msg, ":thumbsup:", "u1"));
        var off = await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("user") == "alice");
        Assert.False(off["on"]!.GetValue<bool>());
        AssertOk(await ReactAsync(alice, "unreact", msg, "👍", "u2"));
        AssertOk(await ReactAsync(alice, "unreact", msg, "🚀", "u3"));
        Assert.DoesNotContain(await FramesUntilPongAsync(bob), f => f.Type() == "reaction");
        Assert.Equal(["👍=bob", "🎉=bob"], Reactions(await MessageInHistoryAsync(bob, msg)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("1")]
    [InlineData(" ")]
    [InlineData("\u200B")]
    [InlineData("👍👍")]
    [InlineData("👨🏻‍👩🏻‍👧🏻‍👦🏻")] // one grapheme cluster, 41 bytes
    [InlineData(":nope:")]
    [InlineData("")]
    public async Task Anything_but_one_emoji_or_a_known_shortcode_is_refused(string emoji)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        var msg = (await SendOkAsync(alice, "lobby", "react to me", "s1")).Str("msg")!;

        AssertError(await ReactAsync(alice, "react", msg, emoji, "r"), "bad_request");
        AssertError(await RequestAsync(alice, new { type = "react", msg, id = "none" }, "none"), "bad_request");
        Assert.Null((await MessageInHistoryAsync(alice, msg))["reactions"]);
        foreach (var fine in new[] { "🇫🇷", "1️⃣", "👩‍💻", "❤️", "👍🏽" })
        {
            AssertOk(await ReactAsync(alice, "react", msg, fine, "ok-" + fine));
        }
    }

    [Fact]
    public async Task The_21st_distinct_emoji_is_refused_but_more_people_may_use_the_twenty()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var carol = await RegisterAsync(server, "carol");
        var msg = (await SendOkAsync(alice, "lobby", "vote", "s1")).Str("msg")!;
        string[] twenty = ["😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "🥲", "😚", "🙂"];
        for (var i = 0; i < twenty.Length; i++)
        {
            AssertOk(await ReactAsync(i < 10 ? alice : bob, "react", msg, twenty[i], $"r{i}"));
        }

        var refused = await ReactAsync(carol, "react", msg, "🚀", "r21");
        AssertError(refused, "too_many_reactions");
        AssertOk(await ReactAsync(carol, "react", msg, "😀", "same"));
        var reactions = Reactions(await MessageInHistoryAsync(carol, msg));
        Assert.Equal(twenty, reactions.Select(r => r.Split('=')[0]));
        Assert.Equal("😀=alice,carol", reactions[0]);
    }

    [Fact]
    public async Task A_message_the_user_cannot_read_is_no_such_message_and_guests_may_not_react()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");
        await using var mallory = await RegisterAsync(server, "mallory");
        await using var guest = await GuestAsync(server, "gus");

        AssertOk(await RequestAsync(alice, new { type = "join", room = "secret", @private = true, id = "j" }, "j"));
        var hidden = (await SendOkAsync(alice, "secret", "members only", "s1")).Str("msg")!;
        var direct = await RequestAsync(alice, new { type = "send", to = "bob", text = "just us", id = "d1" }, "d1");
        var directMsg = direct.Str("msg")!;
        var deleted = (await SendOkAsync(alice, "lobby", "gone soon", "s2")).Str("msg")!;
        AssertOk(await RequestAsync(alice, new { type = "delete", msg = deleted, id = "del" }, "del"));

        var unknown = await ReactAsync(mallory, "react", "01ZZZZZZZZZZZZZZZZZZZZZZZZ", "👍", "x0");
        AssertError(unknown, "no_such_message");
        foreach (var (id, msg) in new[] { ("x1", hidden), ("x2", directMsg), ("x3", deleted) })
        {
            var refused = await ReactAsync(mallory, "react", msg, "👍", id);
            AssertError(refused, "no_such_message");
            Assert.Equal(unknown.Str("message")!.Replace("01ZZZZZZZZZZZZZZZZZZZZZZZZ", "", StringComparison.Ordinal), refused.Str("message")!.Replace(msg, "", StringComparison.Ordinal));
            AssertError(await ReactAsync(mallory, "unreact", msg, "👍", id + "u"), "no_such_message");
        }

        AssertError(await ReactAsync(alice, "react", deleted, "👍", "own-deleted"), "no_such_message");
        AssertOk(await ReactAsync(bob, "react", directMsg, "👍", "bob-direct"));
        Assert.Equal(("reaction", "bob"), await alice.ReadUntilAsync(f => f.Type() == "reaction") is var r ? (r.Type(), r.Str("user")) : default);
        AssertError(await ReactAsync(guest, "react", deleted, "👍", "g"), "forbidden");
    }

    [Fact]
    public async Task History_resume_and_a_restart_carry_the_reactions_and_a_deleted_message_loses_them()
    {
        var server = await TestServer.StartAsync();
        var folder = server.DataDirectory;
        try
        {
            var alice = await RegisterAsync(server, "alice");
            var token = alice.Welcome.Str("token")!;
            await using var bob = await RegisterAsync(server, "bob");
            var first = await SendOkAsync(alice, "lobby", "first", "s1");
            var second = await SendOkAsync(alice, "lobby", "second", "s2");
            AssertOk(await ReactAsync(bob, "react", first.Str("msg")!, "🎉", "r1"));
            AssertOk(await ReactAsync(alice, "react", first.Str("msg")!, "🎉", "r2"));
            AssertOk(await ReactAsync(bob, "react", second.Str("msg")!, "👀", "r3"));
            AssertOk(await ReactAsync(bob, "react", first.Str("msg")!, "✅", "r4"));

            // Resume after the first message: the second comes with its reaction (the conversation's copy was amended).
            await using (var resumed = await HelloAsync(server, new { type = "hello", token, resume = new Dictionary<string, long> { ["lobby"] = first.Seq() } }))
            {
                var history = await resumed.ReadUntilAsync(f => f.Type() == "history" && f.Str("room") == "lobby");
                var again = history["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Seq() == second.Seq());
                Assert.Equal(["👀=bob"], Reactions(again));
            }

            AssertOk(await RequestAsync(alice, new { type = "delete", msg = second.Str("msg"), id = "del" }, "del"));
            Assert.Null((await MessageInHistoryAsync(bob, second.Str("msg")!))["reactions"]);
            alice.Abort();
            await alice.DisposeAsync();
            await bob.DisposeAsync();

            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(folder);
            await using var later = await HelloAsync(server, new { type = "hello", token });
            Assert.Equal(["🎉=bob,alice", "✅=bob"], Reactions(await MessageInHistoryAsync(later, first.Str("msg")!)));
            Assert.Null((await MessageInHistoryAsync(later, second.Str("msg")!))["reactions"]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static Task<JsonObject> ReactAsync(RawClient client, string type, string msg, string emoji, string id)
        => RequestAsync(client, new { type, msg, emoji, id }, id);

    private static async Task<JsonObject> MessageInHistoryAsync(RawClient client, string msg)
    {
        var id = Guid.NewGuid().ToString("N");
        var history = await RequestAsync(client, new { type = "history", room = "lobby", id }, id);
        return history["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => m.Str("id") == msg);
    }

    /// <summary>A message's reactions as <c>emoji=user,user</c> strings, in order.</summary>
    private static List<string> Reactions(JsonObject message)
        => [.. (message["reactions"]?.AsArray() ?? []).Select(r => r!["emoji"]!.GetValue<string>() + "=" + string.Join(',', r["users"]!.AsArray().Select(u => u!.GetValue<string>())))];

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
}

/// <summary>The reactions suite over the native TCP door.</summary>
public sealed class ReactionsTcpTests : ReactionsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The reactions suite over the WebSocket door.</summary>
public sealed class ReactionsWebSocketTests : ReactionsTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
