using System.Globalization;
using System.Text.RegularExpressions;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Who is here, as the page shows it: never green while the page is offline, and a reload is no news.</summary>
public sealed class PresenceTests
{
    [Fact]
    public async Task PresenceGreysOutWhileThePageIsOfflineAndComesBackFreshAfterReconnecting()
    {
        var server = await ProductionServer.StartAsync();
        Chromium? chromium = null;
        try
        {
            var (tcpPort, httpPort, data) = (server.Port, server.HttpEndPoint!.Port, server.DataDirectory);
            var (bob, _) = await ProtocolSteps.RegisterAsync(tcpPort, "bob");
            await using var _bob = bob;
            chromium = await Chromium.LaunchAsync();
            var alice = await chromium.OpenAsync(server);
            await alice.RegisterAsync("alice");
            var dots = alice.Page.Locator("#people-list .presence");
            var note = alice.Page.Locator("#people .presence-note");
            await Expect(dots).ToHaveCountAsync(2);
            await Expect(alice.Page.Locator("#people-list .presence[data-presence='online']")).ToHaveCountAsync(2);
            await Expect(note).ToBeHiddenAsync();

            // The server goes away: the page cannot know who is here any more.
            await server.StopKeepingDataAsync();
            await Expect(alice.Status).Not.ToHaveAttributeAsync("data-state", "online");
            await Expect(note).ToBeVisibleAsync();
            await Expect(note).ToContainTextAsync("Offline — reconnecting");
            await Expect(alice.Page.Locator("#people")).ToHaveClassAsync(new Regex(@"\bstale\b"));
            await Expect(alice.Page.Locator("#people-list .presence[data-presence='unknown']")).ToHaveCountAsync(2);
            await Expect(alice.Page.Locator("#people-list .presence[data-presence='online']")).ToHaveCountAsync(0);

            // After the restart bob does not come back: the fresh list has alice alone, shown online again.
            server = await ProductionServer.StartInAsync(data, ("Port", tcpPort.ToString(CultureInfo.InvariantCulture)), ("HttpPort", httpPort.ToString(CultureInfo.InvariantCulture)));
            await alice.ExpectConnectedAsync();
            await Expect(note).ToBeHiddenAsync();
            await Expect(alice.Page.Locator("#people-list .person-name")).ToHaveTextAsync(["alice"]);
            await Expect(alice.Page.Locator("#people-list .presence[data-presence='online']")).ToHaveCountAsync(1);
            await Expect(alice.Page.Locator("#people")).Not.ToHaveClassAsync(new Regex(@"\bstale\b"));
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

    [Fact]
    public async Task AnotherBrowsersReloadLeavesNoJoinOrLeaveLinesInTheRoom()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var erin = await chromium.OpenAsync(server);
        await erin.RegisterAsync("erin");
        await erin.SendAsync("/join team");
        await Expect(erin.Page.Locator("#conv-title")).ToHaveTextAsync("#team");
        // alice's page runs on Playwright's clock, so the test can jump past the rejoin grace period instead of waiting.
        var alice = await chromium.OpenAsync(server, beforeLoad: page => page.Clock.InstallAsync());
        await alice.RegisterAsync("alice");
        await alice.SendAsync("/join team");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#team");
        await Expect(alice.Page.Locator("#people-list .person-name")).ToHaveTextAsync(["alice", "erin"]);
        await erin.SendAcknowledgedAsync("reloading to get the new build");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["reloading to get the new build"]);

        for (var i = 0; i < 2; i++)
        {
            await erin.Page.ReloadAsync();
            await erin.ExpectConnectedAsync();
        }

        // erin's message after the reloads reaches alice after the left and joined the reloads caused.
        await erin.Conversation("team").ClickAsync();
        await erin.SendAcknowledgedAsync("back, looks good");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["reloading to get the new build", "back, looks good"]);
        await alice.Page.Clock.FastForwardAsync("00:15");
        await Expect(alice.Page.Locator("#people-list .person-name")).ToHaveTextAsync(["alice", "erin"]);
        Assert.Empty(await alice.Page.Locator("#messages .sys-text").AllTextContentsAsync());
    }
}
