using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, "the conversation cache grows without bound": any <c>@own,anything</c> id was loaded and cached for
/// ever through <c>history</c> and <c>resume</c>, reads had no rate limit, and the next connection of an account that
/// had read a few thousand made-up ids was dropped as <c>slow_consumer</c> right after <c>welcome</c>. One suite, run
/// on every door that carries the frames (REST: <see cref="ConversationCacheRestTests"/>).
/// </summary>
public abstract class ConversationCacheDoorTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    /// <summary>The canonical id of the private conversation of two identity keys (as the server writes it).</summary>
    internal static string IdOf(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? $"@{a},{b}" : $"@{b},{a}";

    /// <summary>The identity key the server gave a user (a guest's key is the server's business).</summary>
    internal static string KeyOf(TestServer server, string name) => server.Hub.Sessions.First(s => s.Name == name).User.Key;

    [Fact]
    public async Task Made_up_private_conversation_ids_read_through_history_are_answered_empty_and_not_cached()
    {
        await using var server = await TestServer.StartAsync();
        await using var guest = await HelloGuestAsync(server, "mallory");
        var key = KeyOf(server, "mallory");
        var before = server.Hub.ConversationsInMemory;

        var answers = await ReadManyAsync(guest, Enumerable.Range(0, 300).Select(i => IdOf(key, $"x{i:D5}")));

        Assert.All(answers, a => Assert.True(a.Type() == "history" && a["messages"]!.AsArray().Count == 0, a.ToJsonString()));
        Assert.Equal(before, server.Hub.ConversationsInMemory);
    }

    [Fact]
    public async Task After_reading_thousands_of_made_up_ids_the_next_connection_of_that_account_gets_welcome_and_stays_connected()
    {
        // A small outbox makes "enters every cached conversation" overflow with 2,000 ids instead of 5,000.
        await using var server = await TestServer.StartAsync(new TestServerOptions { OutboxMaxFrames = 256 });
        await using var first = await ConnectAsync(server);
        await first.SendAsync(new { type = "register", user = "alice", password = Password });
        var token = (await ExpectWelcomeAsync(first)).Str("token");
        await ReadManyAsync(first, Enumerable.Range(0, 2000).Select(i => IdOf("alice", $"x{i:D5}")));

        await using var second = await ConnectAsync(server);
        await second.SendAsync(new { type = "hello", token });
        await ExpectWelcomeAsync(second);
        await AssertStaysConnectedAsync(second);
        Assert.True(server.Hub.ConversationsInMemory < 10, $"{server.Hub.ConversationsInMemory} conversations in memory");
    }

    [Fact]
    public async Task Made_up_resume_keys_are_neither_cached_nor_entered()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await ConnectAsync(server);
        await first.SendAsync(new { type = "register", user = "alice", password = Password });
        var token = (await ExpectWelcomeAsync(first)).Str("token");
        var before = server.Hub.ConversationsInMemory;

        var resume = Enumerable.Range(0, 500).ToDictionary(i => IdOf("alice", $"x{i:D5}"), _ => 0L);
        await using var second = await ConnectAsync(server);
        await second.SendAsync(new { type = "hello", token, resume });
        await ExpectWelcomeAsync(second);
        var skipped = new List<JsonObject>();
        await AssertStaysConnectedAsync(second, skipped);

        Assert.DoesNotContain(skipped, f => f.Str("room")?.StartsWith('@') == true);
        Assert.Equal(before, server.Hub.ConversationsInMemory);
    }

    [Theory]
    [InlineData("@bob,alice", "bad_request")] // not in order
    [InlineData("@Alice,bob", "bad_request")] // not folded
    [InlineData("@alice,carol,bob", "bad_request")] // a group id, not in order
    [InlineData("@alice,b,c,d,e,f,g,h,i,j,k", "bad_request")] // eleven keys: a group has at most ten
    [InlineData("@alice,", "bad_request")]
    [InlineData("@alice", "bad_request")]
    [InlineData("@alice,b\u0007", "bad_request")]
    [InlineData("@alice,alice ", "bad_request")]
    [InlineData("@bob,carol", "forbidden")]
    public async Task Non_canonical_private_conversation_ids_are_refused_with_a_clear_error(string id, string code)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAsync(server);
        await alice.SendAsync(new { type = "register", user = "alice", password = Password });
        await ExpectWelcomeAsync(alice);
        var before = server.Hub.ConversationsInMemory;

        AssertError(await RequestAsync(alice, new { type = "history", room = id, id = "h" }, "h"), code);
        Assert.Equal(before, server.Hub.ConversationsInMemory);
        await AssertStaysConnectedAsync(alice);
    }

    [Fact]
    public async Task A_real_private_conversation_is_still_read_by_its_canonical_id()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAsync(server);
        await alice.SendAsync(new { type = "register", user = "alice", password = Password });
        await ExpectWelcomeAsync(alice);
        await using var bob = await ConnectAsync(server);
        await bob.SendAsync(new { type = "register", user = "bob", password = Password });
        await ExpectWelcomeAsync(bob);
        AssertOk(await RequestAsync(bob, new { type = "send", to = "alice", text = "psst", id = "s" }, "s"));

        var history = await RequestAsync(alice, new { type = "history", room = "@alice,bob", id = "h" }, "h");
        Assert.Equal(["psst"], Texts(history));
        Assert.Equal("@alice,bob", history.Str("room"));
    }

    [Fact]
    public async Task History_reads_over_the_connection_rate_are_refused_with_retry_after()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { ReadsPerSecond = 0.05, ReadBurst = 3, FloodRefusals = 0 } });
        await using var reader = await HelloGuestAsync(server, "reader");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("history", (await RequestAsync(reader, new { type = "history", room = "lobby", id = $"h{i}" }, $"h{i}")).Type());
        }

        var refused = await RequestAsync(reader, new { type = "history", room = "lobby", id = "h3" }, "h3");
        AssertError(refused, "rate_limited");
        Assert.True(refused["retryAfter"]!.GetValue<double>() >= 1);
        AssertOk(await RequestAsync(reader, new { type = "send", room = "lobby", text = "sends have their own budget", id = "s" }, "s"));
    }

    [Fact]
    public async Task A_client_that_keeps_reading_after_rate_limited_is_disconnected_as_flooding()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { ReadsPerSecond = 0.05, ReadBurst = 1, FloodRefusals = 2, FloodWindow = TimeSpan.FromMinutes(1) } });
        await using var reader = await HelloGuestAsync(server, "reader");
        await reader.SendRawAsync(string.Concat(Enumerable.Range(0, 10).Select(i => $"{{\"type\":\"history\",\"room\":\"lobby\",\"id\":\"h{i}\"}}\n")));

        var frames = new List<JsonObject>();
        await reader.ReadUntilAsync(f => f.Str("code") == "flooding", skipped: frames);
        Assert.Equal(3, frames.Count(f => f.Str("code") == "rate_limited")); // two allowed, the third ends it
        Assert.True(await reader.WaitForCloseAsync());
    }

    private async Task<RawClient> HelloGuestAsync(TestServer server, string user)
        => (await RawClient.HelloAsync(await ConnectAsync(server), user)).Client;

    /// <summary>Reads the history of each id, 100 requests in flight at a time (so the answers never fill the outbox).</summary>
    private static async Task<List<JsonObject>> ReadManyAsync(RawClient client, IEnumerable<string> ids)
    {
        var answers = new List<JsonObject>();
        var n = 0;
        foreach (var batch in ids.Chunk(100))
        {
            var lines = new StringBuilder();
            foreach (var id in batch)
            {
                lines.Append(JsonSerializer.Serialize(new { type = "history", room = id, limit = 1, id = $"r{n++}" })).Append('\n');
            }

            await client.SendRawAsync(lines.ToString());
            var last = $"r{n - 1}";
            var skipped = new List<JsonObject>();
            answers.Add(await client.ReadUntilAsync(f => f.Str("re") == last, skipped: skipped));
            answers.AddRange(skipped.Where(f => f.Str("re") is not null));
        }

        return answers;
    }

    /// <summary>A ping after the welcome is answered: the connection was not dropped (as slow_consumer) while entering.</summary>
    private static async Task AssertStaysConnectedAsync(RawClient client, List<JsonObject>? skipped = null)
    {
        skipped ??= [];
        await client.SendAsync(new { type = "ping", id = "alive" });
        await client.ReadUntilAsync(f => f.Type() == "pong" && f.Str("re") == "alive", skipped: skipped);
        Assert.DoesNotContain(skipped, f => f.Str("code") == "slow_consumer" || f.Str("reason") == "slow_consumer");
    }

    private static async Task<JsonObject> ExpectWelcomeAsync(RawClient client)
    {
        var answer = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return answer;
    }
}

/// <summary>The conversation-cache suite over the native TCP door.</summary>
public sealed class NativeTcpConversationCacheTests : ConversationCacheDoorTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The conversation-cache suite over the WebSocket door.</summary>
public sealed class WebSocketConversationCacheTests : ConversationCacheDoorTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
