using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// Every reason the WebSocket door closes a connection, seen by a real <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// as the close frame's code and reason docs/protocol.md gives ("WebSocket framing and close codes"), and the framing
/// rules of one frame per text message. Time is the subject only through short options, never a sleep.
/// </summary>
public sealed class WebSocketCloseCodeTests
{
    [Fact]
    public async Task Bye_closes_with_1000_bye()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");
        await alice.SendAsync("{\"type\":\"bye\"}");
        Assert.Equal((1000, "bye"), await alice.ReadCloseAsync());
    }

    [Fact]
    public async Task No_hello_in_time_closes_with_4000_hello_timeout()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { HelloTimeout = TimeSpan.FromSeconds(1) });
        await using var silent = await CloseWatchingWebSocket.ConnectAsync(server.HttpBase);
        Assert.Equal((4000, "hello_timeout"), await silent.ReadCloseAsync());
    }

    [Fact]
    public async Task A_client_silent_after_the_heartbeat_ping_closes_with_4001_timeout()
    {
        // ClientWebSocket answers the server's WebSocket pings by itself; it does not answer the protocol's ping frame.
        await using var server = await TestServer.StartAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        await using var alice = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");
        await alice.ReadUntilAsync(f => f.Type() == "ping");
        Assert.Equal((4001, "timeout"), await alice.ReadCloseAsync());
    }

    [Fact]
    public async Task Flooding_closes_with_1008_flooding()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions
        {
            Limits = TestLimits.Off with { FramesPerSecond = 0.05, FrameBurst = 5, FloodRefusals = 3, FloodWindow = TimeSpan.FromMinutes(1) },
        });
        await using var mallory = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "mallory");
        var closing = mallory.ReadCloseAsync();
        for (var i = 0; i < 20 && !closing.IsCompleted; i++)
        {
            try
            {
                await mallory.SendAsync("{\"type\":\"ping\"}");
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                break; // closed meanwhile
            }
        }

        Assert.Equal((1008, "flooding"), await closing);
    }

    [Fact]
    public async Task A_server_kick_closes_with_4002_kicked_and_a_server_ban_with_1008_banned()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { FirstUserIsAdmin = true });
        await using var boss = await server.RegisterAsync("boss");
        await using var bob = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "bob");
        await using var carol = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "carol");

        Assert.True(await server.Hub.KickAsync("bob", "go away"));
        Assert.Equal((4002, "kicked"), await bob.ReadCloseAsync());

        AssertOk(await RequestAsync(boss, new { type = "ban", user = "carol", id = "b" }, "b"));
        Assert.Equal((1008, "banned"), await carol.ReadCloseAsync());
    }

    [Fact]
    public async Task A_revoked_session_closes_with_4003_session_revoked()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.RegisterAsync("alice");
        await using var sameToken = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, null, first.Welcome.Str("token"));
        AssertOk(await RequestAsync(first, new { type = "logout", id = "l" }, "l"));
        Assert.Equal((4003, "session_revoked"), await sameToken.ReadCloseAsync());
    }

    [Fact]
    public async Task Server_shutdown_closes_with_1001_shutdown()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");
        var closing = alice.ReadCloseAsync();
        await server.StopAsync();
        Assert.Equal((1001, "shutdown"), await closing);
    }

    [Fact]
    public async Task A_binary_message_closes_with_1003_bad_frame_and_others_are_unaffected()
    {
        await using var server = await TestServer.StartAsync();
        await using var good = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");
        await using var bad = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "mallory");
        await bad.SendBinaryAsync("{\"type\":\"ping\"}"u8.ToArray());
        Assert.Equal((1003, "bad_frame"), await bad.ReadCloseAsync());

        await good.SendAsync("{\"type\":\"ping\",\"id\":\"p\"}");
        Assert.Equal("p", (await good.ReadUntilAsync(f => f.Type() == "pong")).Str("re"));
    }

    [Fact]
    public async Task A_message_over_the_line_limit_closes_with_1009_too_large_even_in_fragments()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { MaxLineBytes = 1024 });
        await using var whole = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");
        await whole.SendAsync($"{{\"type\":\"send\",\"text\":\"{new string('x', 1100)}\"}}");
        Assert.Equal((1009, "too_large"), await whole.ReadCloseAsync());

        // At the limit exactly is fine; over it in small fragments is not.
        await using var fragments = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "bob");
        var atLimit = "{\"type\":\"ping\",\"id\":\"" + new string('p', 1024 - 23) + "\"}";
        Assert.Equal(1024, atLimit.Length);
        await fragments.SendAsync(atLimit[..500], atLimit[500..]);
        Assert.Equal("bad_request", (await fragments.ReadUntilAsync(f => f.Type() == "error")).Str("code")); // the id is too long, the frame whole
        await fragments.SendAsync("{\"type\":\"send\",", "\"text\":\"" + new string('y', 600), new string('y', 600) + "\"}");
        Assert.Equal((1009, "too_large"), await fragments.ReadCloseAsync());
    }

    [Fact]
    public async Task A_text_message_is_one_frame_whatever_its_line_breaks_and_fragments()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await CloseWatchingWebSocket.HelloAsync(server.HttpBase, "alice");

        // Pretty-printed, with CRLF line breaks and a trailing newline: one frame.
        await alice.SendAsync("{\r\n  \"type\": \"ping\",\n  \"id\": \"pretty\"\n}\n");
        Assert.Equal("pretty", (await alice.ReadUntilAsync(f => f.Type() is "pong" or "error")).Str("re"));

        // Fragments make one message, and one frame.
        await alice.SendAsync("{\"type\":\"pi", "ng\",\"id\":", "\"frag\"}");
        Assert.Equal("frag", (await alice.ReadUntilAsync(f => f.Type() is "pong" or "error")).Str("re"));

        // Two frames in one message are one malformed frame: one bad_frame, neither acted on; the connection goes on.
        await alice.SendAsync("{\"type\":\"ping\",\"id\":\"one\"}\n{\"type\":\"ping\",\"id\":\"two\"}");
        Assert.Equal("bad_frame", (await alice.ReadUntilAsync(f => f.Type() is "pong" or "error")).Str("code"));

        // A raw line break inside a string is as invalid as on the TCP door.
        await alice.SendAsync("{\"type\":\"send\",\"text\":\"a\nb\",\"id\":\"s\"}");
        Assert.Equal("bad_frame", (await alice.ReadUntilAsync(f => f.Type() is "ok" or "error")).Str("code"));
        await alice.SendAsync("{\"type\":\"ping\",\"id\":\"after\"}");
        Assert.Equal("after", (await alice.ReadUntilAsync(f => f.Type() is "pong" or "error")).Str("re"));
    }
}
