using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Pins in the web page: "Pin"/"Unpin" in a message's menu for the room's owner, the mark, the "📌 N" button and its panel.</summary>
public sealed class PinTests
{
    [Fact]
    public async Task TheOwnerPinsFromTheMenuThePanelListsItAndJumpsToItAndUnpinTakesItOff()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await alice.SendAsync("/join dev");
        await Expect(alice.Conversation("dev")).ToBeVisibleAsync();

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        var first = await ProtocolSteps.SendOkAsync(bob, "dev", "the runbook is in the wiki", "b1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "coffee?", "b2");
        await Expect(alice.MessageTexts.Last).ToHaveTextAsync("coffee?");
        var button = alice.Page.Locator("#toggle-pins");
        await Expect(button).ToHaveTextAsync("📌 0");

        var message = alice.Page.Locator($"#messages li.msg[data-id=\"{first.Str("msg")}\"]");
        await message.HoverAsync();
        await message.Locator(".msg-menu-button").ClickAsync();
        await message.Locator(".msg-menu-item", new() { HasTextString = "Pin" }).ClickAsync();
        var pinned = await bob.ReadUntilAsync(f => f.Type() == "pinned");
        Assert.Equal((first.Str("msg"), "alice"), (pinned.Str("msg"), pinned.Str("by")));
        await Expect(message.Locator(".pin-mark")).ToBeVisibleAsync();
        await Expect(button).ToHaveTextAsync("📌 1");
        await Expect(alice.Page.Locator("#messages .sys-text").Filter(new() { HasTextString = "alice pinned message #1" })).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#messages li.msg .pin-mark")).ToHaveCountAsync(1);

        await button.ClickAsync();
        var panel = alice.Page.Locator("#pins-panel");
        await Expect(panel).ToBeVisibleAsync();
        var link = panel.Locator(".pin-link");
        await Expect(link).ToHaveTextAsync(["#1 bob: the runbook is in the wiki"]);
        await Expect(panel.Locator(".pin-by")).ToHaveTextAsync(["pinned by alice"]);
        await link.ClickAsync();
        await Expect(message).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("pin-flash"));

        await message.HoverAsync();
        await message.Locator(".msg-menu-button").ClickAsync();
        await message.Locator(".msg-menu-item", new() { HasTextString = "Unpin" }).ClickAsync();
        Assert.Equal("unpinned", (await bob.ReadUntilAsync(f => f.Type() == "unpinned")).Type());
        await Expect(button).ToHaveTextAsync("📌 0");
        await Expect(alice.Page.Locator("#messages .pin-mark")).ToHaveCountAsync(0);
        await Expect(panel.Locator(".pins-status")).ToHaveTextAsync("Nothing is pinned here.");
    }

    [Fact]
    public async Task AMemberHasNoPinInTheMenuButSeesTheMarkAndThePanelOfWhatTheOwnerPinned()
    {
        await using var server = await ProductionServer.StartAsync();
        var (owner, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _owner = owner;
        await ProtocolSteps.JoinRoomAsync(owner, "dev");
        var rules = await ProtocolSteps.SendOkAsync(owner, "dev", "read the rules <img src=x onerror=alert(1)>", "b1");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(owner, new { type = "pin", room = "dev", msg = rules.Str("msg"), id = "p" }, "p"));

        await using var chromium = await Chromium.LaunchAsync();
        var carol = await chromium.OpenAsync(server);
        await carol.RegisterAsync("carol");
        await carol.SendAsync("/join dev");
        var message = carol.Page.Locator($"#messages li.msg[data-id=\"{rules.Str("msg")}\"]");
        await Expect(message.Locator(".pin-mark")).ToBeVisibleAsync();
        await Expect(carol.Page.Locator("#toggle-pins")).ToHaveTextAsync("📌 1");
        await Expect(message.Locator(".msg-menu-item", new() { HasTextString = "Pin" })).ToHaveCountAsync(0);

        await carol.Page.Locator("#toggle-pins").ClickAsync();
        await Expect(carol.Page.Locator("#pins-panel .pin-link")).ToHaveTextAsync(["#1 bob: read the rules <img src=x onerror=alert(1)>"]);
        await Expect(carol.Page.Locator("#pins-panel img")).ToHaveCountAsync(0);
    }
}
