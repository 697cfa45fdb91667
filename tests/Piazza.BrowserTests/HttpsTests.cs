using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>The page served over HTTPS talks over WSS, with a protocol client on the plain door in the same room.</summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task ThePageServedOverHttpsChatsOverWss()
    {
        await using var server = await ProductionServer.StartAsync(("DevTls", "true"), ("TlsPort", "0"), ("HttpsPort", "0"));
        var (carol, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await using var _carol = carol;
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server, address: new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/"));
        await alice.RegisterAsync("alice");
        Assert.Equal("https:", await alice.Page.EvaluateAsync<string>("location.protocol"));
        Assert.Contains(server.Hub.Sessions, s => s.Name == "alice" && s.Connection.Door == "wss");

        await alice.SendAcknowledgedAsync("sent over wss");
        var seen = await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("sent over wss", seen.Str("text"));
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carol, new { type = "send", room = "lobby", text = "and back", id = "c1" }, "c1"));
        await Expect(alice.MessageTexts).ToHaveTextAsync(["sent over wss", "and back"]);
    }

    /// <summary>
    /// Chromium runs a page's WebSocket on the HTTP/2 connection it already has (RFC 8441), and tabs of one profile
    /// share it: a second tab's socket is a second WebSocket on one connection and must not be refused.
    /// </summary>
    [Fact]
    public async Task Two_tabs_of_one_browser_sharing_an_http2_connection_both_chat()
    {
        await using var server = await ProductionServer.StartAsync(("DevTls", "true"), ("TlsPort", "0"), ("HttpsPort", "0"));
        await using var chromium = await Chromium.LaunchAsync();
        var address = new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/");
        var alice = await chromium.OpenAsync(server, address: address);
        await alice.RegisterAsync("alice");
        var secondTab = new ChatPage(await alice.Page.Context.NewPageAsync());
        await secondTab.Page.GotoAsync(address.ToString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (server.Hub.Sessions.Count(s => s.Name == "alice" && s.Connection.Door == "wss") < 2)
        {
            await Task.Delay(50, timeout.Token);
        }

        await secondTab.SendAcknowledgedAsync("from the second tab");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["from the second tab"]);
    }
}
