using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>
/// The WebSocket door seen by the npm <c>ws</c> package, which reports the close frame's code and reason and every
/// ping frame exactly as they arrive (browsers hide pings).
/// </summary>
public sealed class WebSocketNpmClientTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_server_pings_and_a_client_that_answers_nothing_is_closed_with_4001_timeout()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { IdleTimeout = TimeSpan.FromSeconds(2) });
        var seen = await NodePackageScript.RunAsync("ws-client.cjs", new
        {
            url = $"ws://127.0.0.1:{server.HttpBase.Port}/ws",
            autoPong = false,
            send = new[] { new { text = "{\"type\":\"hello\",\"user\":\"alice\"}" } },
        }, ScriptTimeout);
        Assert.True(seen["code"]?.GetValue<int>() == 4001, seen.ToJsonString());
        Assert.Equal("timeout", seen.Str("reason"));
        Assert.True(seen["pings"]!.GetValue<int>() >= 1, seen.ToJsonString()); // WebSocket pings, not unsolicited pongs
        Assert.Equal(["welcome", "ping"], seen["frames"]!.AsArray().Select(f => f!.GetValue<string>()).Where(t => t is "welcome" or "ping"));
    }

    [Fact]
    public async Task A_binary_message_is_closed_with_1003_bad_frame_and_bye_with_1000_bye()
    {
        await using var server = await TestServer.StartAsync();
        var url = $"ws://127.0.0.1:{server.HttpBase.Port}/ws";
        var binary = await NodePackageScript.RunAsync("ws-client.cjs", new
        {
            url,
            send = new object[] { new { text = "{\"type\":\"hello\",\"user\":\"alice\"}" }, new { binary = new[] { 123, 125 } } },
        }, ScriptTimeout);
        Assert.True(binary["code"]?.GetValue<int>() == 1003, binary.ToJsonString());
        Assert.Equal("bad_frame", binary.Str("reason"));

        var bye = await NodePackageScript.RunAsync("ws-client.cjs", new
        {
            url,
            send = new[] { new { text = "{\"type\":\"hello\",\"user\":\"bob\"}" }, new { text = "{\"type\":\"bye\"}" } },
        }, ScriptTimeout);
        Assert.True(bye["code"]?.GetValue<int>() == 1000, bye.ToJsonString());
        Assert.Equal("bye", bye.Str("reason"));
    }
}
