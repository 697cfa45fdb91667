using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>The page survives a server restart by itself: it reconnects, resumes, resends, and shows no gap or repeat.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task PageReconnectsAfterServerRestartAndShowsEveryMessageExactlyOnce()
    {
        var server = await ProductionServer.StartAsync();
        Chromium? chromium = null;
        try
        {
            var (tcpPort, httpPort, data) = (server.Port, server.HttpEndPoint!.Port, server.DataDirectory);
            var (bob, _) = await ProtocolSteps.RegisterAsync(tcpPort, "bob");
            chromium = await Chromium.LaunchAsync();
            var alice = await chromium.OpenAsync(server);
            await alice.RegisterAsync("alice");
            await ProtocolSteps.SendOkAsync(bob, "lobby", "before the restart 1", "b1");
            await ProtocolSteps.SendOkAsync(bob, "lobby", "before the restart 2", "b2");
            await Expect(alice.MessageTexts).ToHaveTextAsync(["before the restart 1", "before the restart 2"]);
            await bob.DisposeAsync();

            await server.StopKeepingDataAsync();
            await Expect(alice.Status).Not.ToHaveAttributeAsync("data-state", "online");
            await alice.SendAsync("written while the server was down");
            await Expect(alice.PendingMessages).ToContainTextAsync("written while the server was down");

            server = await ProductionServer.StartInAsync(data, ("Port", tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("HttpPort", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            (bob, _) = await ProtocolSteps.LoginAsync(tcpPort, "bob");
            await using var _bob = bob;
            await ProtocolSteps.SendOkAsync(bob, "lobby", "while the page reconnects 1", "b3");
            await ProtocolSteps.SendOkAsync(bob, "lobby", "while the page reconnects 2", "b4");
            await alice.ExpectConnectedAsync();
            await Expect(alice.PendingMessages).ToHaveCountAsync(0);
            await ProtocolSteps.SendOkAsync(bob, "lobby", "after the page reconnected", "b5");

            // The server's own order is the truth: the page must show exactly that, each message once.
            var history = await ProtocolSteps.RequestAsync(bob, new { type = "history", room = "lobby", limit = 50, id = "h" }, "h");
            var texts = ProtocolSteps.Texts(history);
            Assert.Equal(6, texts.Count);
            Assert.Contains("written while the server was down", texts);
            Assert.Equal(ProtocolSteps.Range(1, 6), ProtocolSteps.Seqs(history));
            await Expect(alice.MessageTexts).ToHaveTextAsync([.. texts]);
            await Expect(alice.Page.Locator("#messages .msg")).ToHaveCountAsync(6);
        }
        finally
        {
            if (chromium is not null)
            {
                await chromium.DisposeAsync();
            }

            await server.DisposeAsync();
        }
    }
}
