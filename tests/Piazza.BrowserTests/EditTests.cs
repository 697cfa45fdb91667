using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Editing on the page (issue 15): ↑ in the empty composer edits the latest own message with an "Editing message ·
/// Esc to cancel" bar (Esc cancels, Enter saves), "Edit" in an own message's menu does the same, and edited messages
/// show "(edited)" here and for everyone else.
/// </summary>
public sealed class EditTests
{
    [Fact]
    public async Task UpInTheEmptyComposerAndTheMenuEditOwnMessagesAndEveryoneSeesEdited()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.SendOkAsync(bob, "lobby", "bob was here", "b1");
        await alice.SendAcknowledgedAsync("frist");
        await alice.SendAcknowledgedAsync("secnod");

        // ↑ in the empty composer: the latest own message, with the bar; Esc puts the composer back as it was.
        var input = alice.Page.Locator("#input");
        var bar = alice.Page.Locator(".edit-bar");
        await input.FocusAsync();
        await input.PressAsync("ArrowUp");
        await Expect(bar).ToBeVisibleAsync();
        await Expect(bar).ToHaveTextAsync("Editing message · Esc to cancel");
        await Expect(input).ToHaveValueAsync("secnod");
        await input.PressAsync("Escape");
        await Expect(bar).ToBeHiddenAsync();
        await Expect(input).ToHaveValueAsync("");

        await input.PressAsync("ArrowUp");
        await input.FillAsync("second");
        await input.PressAsync("Enter");
        await Expect(bar).ToBeHiddenAsync();
        var secondLine = alice.Page.Locator("#messages .msg").Filter(new() { Has = alice.Page.Locator(".msg-text", new() { HasText = "second" }) });
        await Expect(secondLine.Locator(".msg-edited")).ToHaveTextAsync("(edited)");
        var heard = await bob.ReadUntilAsync(f => f.Type() == "edited");
        Assert.Equal("second", heard.Str("text"));

        // The menu of an own message offers Edit; bob's message has none.
        var first = alice.Page.Locator("#messages .msg").Filter(new() { Has = alice.Page.Locator(".msg-text", new() { HasText = "frist" }) });
        await first.HoverAsync();
        await first.Locator(".msg-menu-button").ClickAsync();
        await first.GetByRole(AriaRole.Menuitem, new() { Name = "Edit" }).ClickAsync();
        await Expect(bar).ToBeVisibleAsync();
        await Expect(input).ToHaveValueAsync("frist");
        await input.FillAsync("first");
        await alice.Page.Locator("#send").ClickAsync();
        await Expect(alice.MessageTexts).ToHaveTextAsync(["bob was here", "first", "second"]);
        await Expect(alice.Page.Locator("#messages .msg-edited")).ToHaveCountAsync(2);
        var bobs = alice.Page.Locator("#messages .msg").Filter(new() { Has = alice.Page.Locator(".msg-text", new() { HasText = "bob was here" }) });
        await Expect(bobs.GetByRole(AriaRole.Menuitem, new() { Name = "Edit" })).ToHaveCountAsync(0);

        // Another edit from elsewhere (bob's own message, edited by bob) shows here live, and a reload keeps the marks.
        var bobsId = (await ProtocolSteps.RequestAsync(bob, new { type = "history", room = "lobby", id = "h" }, "h"))["messages"]!.AsArray()[0]!["id"]!.GetValue<string>();
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "edit", msg = bobsId, text = "bob is here", id = "e" }, "e"));
        await Expect(alice.MessageTexts).ToHaveTextAsync(["bob is here", "first", "second"]);
        await alice.Page.ReloadAsync();
        await Expect(alice.MessageTexts).ToHaveTextAsync(["bob is here", "first", "second"]);
        await Expect(alice.Page.Locator("#messages .msg-edited")).ToHaveCountAsync(3);
    }
}
