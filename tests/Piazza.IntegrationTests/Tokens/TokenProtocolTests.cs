using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Tokens;

/// <summary>
/// Tokens, sessions and bots over the line protocol (docs/protocol.md, "Tokens, sessions and bots"), on the native
/// door and WebSocket: named tokens created, listed and revoked; a connection on a scoped token refused what its scopes
/// do not allow; sessions listed and "log out my other devices"; bots marked in <c>who</c>, on messages and in history.
/// </summary>
public abstract class TokenProtocolTests
{
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    private async Task<RawClient> WelcomedAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var welcome = await FirstAnswerAsync(client, hello);
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        client.Welcome = welcome;
        return client;
    }

    private static async Task<string> CreateTokenAsync(RawClient owner, string name, params string[] scopes)
    {
        var created = await RequestAsync(owner, new { type = "token_create", id = "tc-" + name, name, scopes }, "tc-" + name);
        AssertOk(created);
        Assert.Equal(name, created["tokens"]![0]!["name"]!.GetValue<string>());
        return created.Str("token")!;
    }

    [Fact]
    public async Task A_read_only_token_reads_but_cannot_send_and_the_refusal_names_the_scope()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await WelcomedAsync(server, new { type = "register", user = "alice", password = Password });
        await SendOkAsync(owner, "lobby", "before the bot", "s1");
        var token = await CreateTokenAsync(owner, "reader", "read");
        await using var reader = await WelcomedAsync(server, new { type = "hello", token });

        var refused = await RequestAsync(reader, new { type = "send", room = "lobby", text = "hi", id = "s" }, "s");
        AssertError(refused, "forbidden");
        Assert.Contains("'send'", refused.Str("message"), StringComparison.Ordinal);
        AssertError(await RequestAsync(reader, new { type = "token_create", id = "t", name = "more", scopes = new[] { "send" } }, "t"), "forbidden");
        AssertError(await RequestAsync(reader, new { type = "join", room = "elsewhere", id = "j" }, "j"), "forbidden");

        var history = await RequestAsync(reader, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.Contains("before the bot", Texts(history));
        AssertOk(await RequestAsync(reader, new { type = "who", room = "lobby", id = "w" }, "w"));
    }

    [Fact]
    public async Task Tokens_are_listed_with_scopes_and_times_and_a_revoked_one_ends_its_connection()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await WelcomedAsync(server, new { type = "register", user = "alice", password = Password });
        var token = await CreateTokenAsync(owner, "ci", "send", "read");
        await using var bot = await WelcomedAsync(server, new { type = "hello", token });
        await SendOkAsync(bot, "lobby", "build green", "b1");

        var listed = await RequestAsync(owner, new { type = "tokens", id = "l" }, "l");
        var entry = Assert.Single(listed["tokens"]!.AsArray())!.AsObject();
        Assert.Equal("ci", entry.Str("name"));
        Assert.Equal(["read", "send"], entry["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(entry.Str("created"));
        Assert.NotNull(entry.Str("lastUsed"));
        Assert.Null(entry["expires"]);
        Assert.DoesNotContain(token, listed.ToJsonString(), StringComparison.Ordinal);

        AssertOk(await RequestAsync(owner, new { type = "token_revoke", name = "ci", id = "r" }, "r"));
        AssertError(await bot.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
        Assert.True(await bot.WaitForCloseAsync(TimeSpan.FromSeconds(20)), "the revoked token's connection stayed open");
        await using var again = await ConnectAsync(server);
        AssertError(await FirstAnswerAsync(again, new { type = "hello", token }), "auth_failed");
        Assert.Empty((await RequestAsync(owner, new { type = "tokens", id = "l2" }, "l2"))["tokens"]!.AsArray());
        AssertError(await RequestAsync(owner, new { type = "token_revoke", name = "ci", id = "r2" }, "r2"), "not_found");
    }

    [Fact]
    public async Task Sessions_are_listed_and_logging_out_the_others_keeps_the_current_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var current = await WelcomedAsync(server, new { type = "register", user = "alice", password = Password, client = "laptop" });
        await using var phone = await WelcomedAsync(server, new { type = "hello", user = "alice", password = Password, client = "phone" });

        var listed = await RequestAsync(current, new { type = "sessions", id = "s" }, "s");
        var sessions = listed["sessions"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal(2, sessions.Count);
        var mine = Assert.Single(sessions, s => s["current"]?.GetValue<bool>() == true);
        Assert.StartsWith("laptop (", mine.Str("label"), StringComparison.Ordinal);
        Assert.StartsWith("phone (", sessions.Single(s => s != mine).Str("label"), StringComparison.Ordinal);

        var revoked = await RequestAsync(current, new { type = "session_revoke", others = true, id = "o" }, "o");
        Assert.Equal(1, revoked["count"]!.GetValue<int>());
        AssertError(await phone.ReadUntilAsync(f => f.Type() == "error"), "session_revoked");
        Assert.True(await phone.WaitForCloseAsync(TimeSpan.FromSeconds(20)), "the other device stayed connected");
        await SendOkAsync(current, "lobby", "still here", "m");
        var left = (await RequestAsync(current, new { type = "sessions", id = "s2" }, "s2"))["sessions"]!.AsArray();
        Assert.Equal(mine.Str("id"), Assert.Single(left)!.AsObject().Str("id"));
        AssertError(await RequestAsync(current, new { type = "session_revoke", session = "nope", id = "x" }, "x"), "not_found");
    }

    [Fact]
    public async Task A_bot_is_marked_in_who_on_its_messages_and_in_history()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WelcomedAsync(server, new { type = "register", user = "alice", password = Password });
        await using var bot = await WelcomedAsync(server, new { type = "register", user = "deploybot", password = Password, bot = true });

        await SendOkAsync(bot, "lobby", "deployed v2", "d1");
        var live = await alice.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "deploybot");
        Assert.True(live["bot"]!.GetValue<bool>());
        await SendOkAsync(alice, "lobby", "thanks", "a1");

        var who = await RequestAsync(alice, new { type = "who", room = "lobby", id = "w" }, "w");
        var users = who["users"]!.AsArray().Select(u => u!.AsObject()).ToList();
        Assert.True(users.Single(u => u.Str("user") == "deploybot")["bot"]!.GetValue<bool>());
        Assert.Null(users.Single(u => u.Str("user") == "alice")["bot"]);

        var history = await RequestAsync(alice, new { type = "history", room = "lobby", id = "h" }, "h");
        var messages = history["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.True(messages.Single(m => m.Str("text") == "deployed v2")["bot"]!.GetValue<bool>());
        Assert.Null(messages.Single(m => m.Str("text") == "thanks")["bot"]);
    }
}

public sealed class NativeTcpTokenProtocolTests : TokenProtocolTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

public sealed class WebSocketTokenProtocolTests : TokenProtocolTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
