using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The settings dialog opens from the gear (or Ctrl+,) and from the keyboard; notifications of private messages are
/// asked for only when turned on, kept across reloads, and shown while the tab is hidden.
/// </summary>
public sealed class SettingsTests
{
    [Fact]
    public async Task NotificationsOfPrivateMessagesAreKeptAcrossAReloadAndShownWhileTheTabIsHidden()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        // The test's stand-in for the browser's notifications: it records them (headless chromium shows none), and a
        // switch that hides the tab as switching to another tab would.
        var alice = await chromium.OpenAsync(server, beforeLoad: page => page.AddInitScriptAsync(@"
            window.__shown = [];
            window.Notification = class extends EventTarget {
              static permission = 'default';
              static async requestPermission() { Notification.permission = 'granted'; return 'granted'; }
              constructor(title, options) { super(); window.__shown.push({ title, body: options.body, tag: options.tag }); }
              close() {}
            };
            window.__hidden = false;
            Object.defineProperty(document, 'hidden', { get: () => window.__hidden });"));
        await alice.RegisterAsync("alice");

        // Keyboard only: Tab reaches the gear, Enter opens the dialog, Esc closes it and the focus returns.
        var gear = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" });
        await gear.FocusAsync();
        await alice.Page.Keyboard.PressAsync("Enter");
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        await Expect(dialog).ToBeVisibleAsync();
        var toggle = dialog.GetByLabel("Notify me of mentions and private messages while this tab is hidden");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(dialog).ToContainTextAsync("Coming soon: sounds");
        Assert.Equal("default", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));
        await toggle.CheckAsync();
        await Expect(toggle).ToBeCheckedAsync();
        Assert.Equal("granted", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(gear).ToBeFocusedAsync();

        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await alice.Page.EvaluateAsync("() => { Notification.permission = 'granted'; }");
        await alice.Page.Keyboard.PressAsync("Control+Comma");
        await Expect(toggle).ToBeCheckedAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "seen while looking", id = "p1" }, "p1"));
        await Expect(alice.Conversation("bob")).ToBeVisibleAsync();
        await alice.Page.EvaluateAsync("() => { window.__hidden = true; }");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "are you there?", id = "p2" }, "p2"));
        await ProtocolSteps.SendOkAsync(bob, "lobby", "rooms do not notify yet", "l1");
        await Expect(alice.Conversation("bob").Locator(".badge")).ToHaveTextAsync("2");
        await alice.Page.WaitForFunctionAsync("() => window.__shown.length > 0");
        var shown = await alice.Page.EvaluateAsync<string>("() => JSON.stringify(window.__shown)");
        Assert.Equal("""[{"title":"bob (private message)","body":"are you there?","tag":"@alice,bob"}]""", shown);
        Assert.Matches(new Regex("\"notifyPrivate\":true"), await alice.Page.EvaluateAsync<string>("() => localStorage.getItem('piazza.settings')"));
    }
}
