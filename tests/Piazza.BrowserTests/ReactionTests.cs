using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Reactions between two real pages: the message menu's React opens the picker; a chip counts, names and toggles.</summary>
public sealed class ReactionTests
{
    [Fact]
    public async Task ThePickerAddsAReactionBothPagesShowAndClickingTheChipTogglesIt()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        await bob.SendAsync("lunch at noon?");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["lunch at noon?"]);

        // alice: ⋯ → React → 🎉 in the picker.
        var onAlice = alice.Page.Locator("#messages li.msg").Filter(new() { HasText = "lunch at noon?" });
        await onAlice.HoverAsync();
        await onAlice.Locator(".msg-menu-button").ClickAsync();
        await onAlice.Locator(".msg-menu-item", new() { HasText = "React" }).ClickAsync();
        var picker = alice.Page.Locator(".reaction-picker");
        await Expect(picker.Locator(".reaction-pick")).ToHaveCountAsync(12);
        await picker.Locator(".reaction-pick", new() { HasText = "🎉" }).ClickAsync();
        await Expect(picker).ToHaveCountAsync(0);

        var aliceChip = onAlice.Locator(".reaction-chip");
        var bobChip = bob.Page.Locator("#messages li.msg").Filter(new() { HasText = "lunch at noon?" }).Locator(".reaction-chip");
        await Expect(aliceChip).ToHaveTextAsync("🎉1");
        await Expect(aliceChip).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bmine\b"));
        await Expect(bobChip).ToHaveTextAsync("🎉1");
        await Expect(bobChip).ToHaveAttributeAsync("title", "alice");
        await Expect(bobChip).ToHaveAttributeAsync("aria-pressed", "false");

        // bob clicks the chip: he joins it; again: he leaves it. alice clicks hers: the bar goes.
        await bobChip.ClickAsync();
        await Expect(aliceChip).ToHaveTextAsync("🎉2");
        await Expect(aliceChip).ToHaveAttributeAsync("title", "alice, bob");
        await Expect(bobChip).ToHaveAttributeAsync("aria-pressed", "true");
        await bobChip.ClickAsync();
        await Expect(aliceChip).ToHaveTextAsync("🎉1");
        await aliceChip.ClickAsync();
        await Expect(aliceChip).ToHaveCountAsync(0);
        await Expect(bobChip).ToHaveCountAsync(0);
    }
}
