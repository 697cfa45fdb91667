using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Replies on the page: "Reply" in a message's menu opens the "Replying to" bar (Esc cancels), the next send quotes the
/// message, a reply shows its quote above its text, and a click on a quote whose original is not loaded yet loads
/// older pages until it is there, scrolls to it and highlights it.
/// </summary>
public sealed class ReplyTests
{
    [Fact]
    public async Task ReplyFromTheMenuQuotesTheMessageAndEscapeCancels()
    {
        await using var server = await ProductionServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "deploy on friday?", "b1");
        var original = alice.Page.Locator("#messages li.msg").Filter(new() { HasTextString = "deploy on friday?" });
        await Expect(original).ToBeVisibleAsync();

        await OpenReplyAsync(alice, original);
        var bar = alice.Page.Locator("#reply-bar");
        await Expect(bar).ToBeVisibleAsync();
        await Expect(bar).ToContainTextAsync("Replying to bob: deploy on friday?");
        await alice.Page.Locator("#input").PressAsync("Escape");
        await Expect(bar).ToBeHiddenAsync();

        await OpenReplyAsync(alice, original);
        await alice.SendAsync("yes, after lunch");
        await Expect(bar).ToBeHiddenAsync();
        var heard = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "yes, after lunch");
        Assert.Equal("bob", heard["reply"]!["from"]!.GetValue<string>());
        var reply = alice.Page.Locator("#messages li.msg").Filter(new() { HasTextString = "yes, after lunch" });
        await Expect(reply.Locator(".msg-quote")).ToHaveTextAsync("↳ bob: deploy on friday?");

        // The quote and the text stay in the text column, right of the avatar (not pushed under it by the grid).
        var avatar = await reply.Locator(".avatar").BoundingBoxAsync();
        var quote = await reply.Locator(".msg-quote").BoundingBoxAsync();
        var text = await reply.Locator(".msg-text").BoundingBoxAsync();
        Assert.True(quote!.X >= avatar!.X + avatar.Width && text!.X >= avatar.X + avatar.Width, $"avatar {avatar.X}+{avatar.Width}, quote {quote.X}, text {text!.X}");
        Assert.True(text.Width > 200, $"the text column is {text.Width} px wide");

        // The next message is no reply.
        await alice.SendAcknowledgedAsync("and nothing else");
        var plain = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "and nothing else");
        Assert.Null(plain["reply"]);
    }

    [Fact]
    public async Task ClickingAQuoteLoadsOlderHistoryUntilTheOriginalIsThereAndHighlightsIt()
    {
        JsonObject first = null!;
        await using var server = await ProductionServer.StartSeededAsync(async seeding =>
        {
            var (bob, _) = await ProtocolSteps.RegisterAsync(seeding.Port, "bob");
            await using var _bob = bob;
            first = await ProtocolSteps.SendOkAsync(bob, "lobby", "the very first message", "m0");
            for (var i = 1; i <= 120; i++)
            {
                await ProtocolSteps.SendOkAsync(bob, "lobby", $"filler {i:000}", $"m{i}");
            }

            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", room = "lobby", text = "remember this?", reply = first.Str("msg"), id = "r" }, "r"));
        });
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var reply = alice.Page.Locator("#messages li.msg").Filter(new() { HasTextString = "remember this?" });
        var quote = reply.Locator(".msg-quote");
        await Expect(quote).ToHaveTextAsync("↳ bob: the very first message");
        var original = alice.Page.Locator($"#messages li.msg[data-seq=\"{first.Seq()}\"]");
        await Expect(original).ToHaveCountAsync(0);

        await quote.ClickAsync();
        await Expect(original).ToBeInViewportAsync();
        await Expect(original).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("msg-highlight"));
        await Expect(original.Locator(".msg-text")).ToHaveTextAsync("the very first message");
    }

    private static async Task OpenReplyAsync(ChatPage page, ILocator message)
    {
        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Message actions" }).ClickAsync();
        await message.GetByRole(AriaRole.Menuitem, new() { Name = "Reply" }).ClickAsync();
    }
}
