using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Mentions and read state on the page (issue 14): a mention of you is highlighted and, while the tab is hidden,
/// notified; unread and mention counts come from the server, so they survive a reload; reading on one device
/// clears them on another.
/// </summary>
public sealed class MentionsTests
{
    /// <summary>
    /// The browser's real Notification (the context grants the permission) wrapped to record each one shown, and a
    /// switch that hides the tab as switching to another tab would (document.hidden and a visibilitychange).
    /// </summary>
    private const string RecordNotifications = @"
        window.__shown = [];
        const Real = window.Notification;
        window.Notification = class extends Real {
          constructor(title, options) { super(title, options); window.__shown.push({ title, body: options.body, tag: options.tag }); }
        };
        window.__hidden = false;
        Object.defineProperty(document, 'hidden', { get: () => window.__hidden });
        Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
        window.__setHidden = (hidden) => { window.__hidden = hidden; document.dispatchEvent(new Event('visibilitychange')); };";

    [Fact]
    public async Task AMentionIsHighlightedAndNotifiedWhileTheTabIsHiddenAndReadOnlyOnceSeen()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server, beforeLoad: async page =>
        {
            await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = server.HttpBase.GetLeftPart(UriPartial.Authority) });
            await page.AddInitScriptAsync(RecordNotifications);
        });
        await alice.RegisterAsync("alice");

        // Notifications are switched on from a visible control, never asked for on load.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        await dialog.GetByLabel("Notify me of mentions and private messages while this tab is hidden").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await alice.Page.EvaluateAsync("() => window.__setHidden(true)");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "nothing for alice here", "l1");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "@alice can you look at the build?", "l2");

        await alice.Page.WaitForFunctionAsync("() => window.__shown.length > 0");
        Assert.Equal(
            """[{"title":"bob mentioned you in #lobby","body":"@alice can you look at the build?","tag":"lobby"}]""",
            await alice.Page.EvaluateAsync<string>("() => JSON.stringify(window.__shown)"));
        var mention = alice.Page.Locator("#messages .msg.mention");
        await Expect(mention).ToHaveCountAsync(1);
        await Expect(mention.Locator(".msg-text")).ToHaveTextAsync("@alice can you look at the build?");

        // Hidden, the open conversation is not read: both count, the mention apart, in the list and the title.
        var lobby = alice.Conversation("lobby");
        await Expect(lobby.Locator(".badge.unread")).ToHaveTextAsync("2");
        await Expect(lobby.Locator(".badge.mention")).ToHaveTextAsync("@1");
        await Expect(alice.Page).ToHaveTitleAsync("(2 · @1) #lobby · Piazza");

        // Back on the tab, at the bottom of the conversation: read, and the server is told (alice's other device hears).
        var (phone, before) = await ProtocolSteps.LoginAsync(server.Port, "alice");
        await using var _phone = phone;
        Assert.Equal((2, 1), Counts(before, "lobby"));
        await alice.Page.EvaluateAsync("() => window.__setHidden(false)");
        await Expect(lobby.Locator(".badge")).ToHaveCountAsync(0);
        await Expect(alice.Page).ToHaveTitleAsync("#lobby · Piazza");
        await phone.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "lobby");
        var (tablet, after) = await ProtocolSteps.LoginAsync(server.Port, "alice");
        await using var _tablet = tablet;
        Assert.Equal((0, 0), Counts(after, "lobby"));
        Assert.Equal(1, await alice.Page.EvaluateAsync<int>("() => window.__shown.length"));
    }

    [Fact]
    public async Task CountsComeFromTheServerSoTheySurviveAReloadAndReadingOnAnotherDeviceClearsThem()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var laptop = await chromium.OpenAsync(server);
        await laptop.RegisterAsync("alice");
        await laptop.Page.GetByLabel("Join or create a room").FillAsync("dev");
        await laptop.Page.GetByLabel("Join or create a room").PressAsync("Enter");
        await Expect(laptop.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await laptop.Conversation("lobby").ClickAsync();

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await ProtocolSteps.SendOkAsync(bob, "dev", "the release is tomorrow", "d1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "@alice please sign it off", "d2");
        await ProtocolSteps.SendOkAsync(bob, "dev", "and @carol too", "d3");

        var dev = laptop.Conversation("dev");
        await Expect(dev.Locator(".badge.unread")).ToHaveTextAsync("3");
        await Expect(dev.Locator(".badge.mention")).ToHaveTextAsync("@1");

        // A reload asks the server again: the same counts, not a fresh start.
        await laptop.Page.ReloadAsync();
        await laptop.ExpectConnectedAsync();
        await Expect(dev.Locator(".badge.unread")).ToHaveTextAsync("3");
        await Expect(dev.Locator(".badge.mention")).ToHaveTextAsync("@1");
        await Expect(laptop.Page).ToHaveTitleAsync("(3 · @1) #lobby · Piazza");

        // A second device starts with the same counts; opening dev there reads it, and the laptop's counts go.
        var phone = await chromium.OpenAsync(server, width: 1000);
        await phone.LoginAsync("alice");
        await Expect(phone.Conversation("dev").Locator(".badge.mention")).ToHaveTextAsync("@1");
        await phone.Conversation("dev").ClickAsync();
        await Expect(phone.Page.Locator("#messages .msg.mention .msg-text")).ToHaveTextAsync("@alice please sign it off");
        await Expect(phone.Conversation("dev").Locator(".badge")).ToHaveCountAsync(0);
        await Expect(dev.Locator(".badge")).ToHaveCountAsync(0);
        await Expect(laptop.Page).ToHaveTitleAsync("#lobby · Piazza");
    }

    /// <summary>The unread and mention counts a welcome gives for <paramref name="room"/>.</summary>
    private static (long Unread, long Mentions) Counts(System.Text.Json.Nodes.JsonObject welcome, string room)
    {
        var entry = welcome["conversations"]!.AsArray().Single(c => c!["room"]!.GetValue<string>() == room)!;
        return (entry["unread"]!.GetValue<long>(), entry["mentions"]!.GetValue<long>());
    }
}
