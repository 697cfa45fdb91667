using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>The suite over the WebSocket door (<c>/ws</c>), plus what only WebSocket and HTTP can do.</summary>
public sealed class WebSocketDoorTests : DoorConformanceTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);

    /// <summary>Over WebSocket an over-long message closes the connection (1009, WebSocketCloseCodeTests); nothing to send here.</summary>
    protected override string OverLongLine => "\n";

    protected override string[] OverLongLineErrors => [];

    [Fact]
    public async Task A_foreign_origin_is_refused_and_the_servers_own_origin_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(
            () => RawClient.ConnectWebSocketAsync(server.HttpBase, origin: "https://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        await using var own = await RawClient.ConnectWebSocketAsync(server.HttpBase, origin: server.HttpBase.GetLeftPart(UriPartial.Authority));
        await RawClient.HelloAsync(own, "alice");
    }

    [Fact]
    public async Task Configured_origins_are_accepted()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { PublicOrigins = ["https://chat.example.org"] });
        await using var allowed = await RawClient.ConnectWebSocketAsync(server.HttpBase, origin: "https://chat.example.org");
        await RawClient.HelloAsync(allowed, "alice");
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_message_is_closed_with_1007_and_others_are_unaffected()
    {
        await using var server = await TestServer.StartAsync();
        await using var good = await JoinAsync(server, "alice");
        await using var bad = await RawWebSocket.ConnectAsync(server.HttpBase);
        await bad.SendTextAsync("{\"type\":\"hello\",\"user\":\"mallory\"}");
        Assert.Contains("\"welcome\"", await bad.ReadTextAsync(), StringComparison.Ordinal);

        await bad.SendTextAsync([0x7B, 0xFF, 0xFE, 0x7D]);
        Assert.Equal(1007, await bad.ReadCloseStatusAsync()); // InvalidPayloadData, read from the close frame itself

        var left = await good.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal("mallory", left.Str("user"));
        await good.SendAsync(new { type = "send", text = "still fine", id = "s" });
        Assert.Equal("ok", (await good.ReadUntilAsync(f => f.Type() is "ok" or "error")).Type());
    }

    [Fact]
    public async Task A_plain_http_request_to_the_websocket_path_gets_400()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var response = await http.GetAsync(new Uri("/ws", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
