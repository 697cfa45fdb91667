using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Away and typing between two real pages: one types, the other sees "… is typing"; an away shows in the people list.</summary>
public sealed class AwayTypingTests
{
    [Fact]
    public async Task OnePageTypesAndTheOtherSeesItThenAnAwayIsMarkedInThePeopleList()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        await Expect(alice.Page.Locator("#people-list .person-name")).ToHaveTextAsync(["alice", "bob"]);

        // bob types (not yet sent): alice's page says so under the messages, and his message ends it.
        await bob.Page.Locator("#input").PressSequentiallyAsync("hello al");
        await Expect(alice.Page.Locator("#typing")).ToHaveTextAsync("bob is typing…");
        await Expect(bob.Page.Locator("#typing")).ToHaveTextAsync("");
        await bob.Page.Locator("#input").PressSequentiallyAsync("ice");
        await bob.Page.Locator("#input").PressAsync("Enter");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello alice"]);
        await Expect(alice.Page.Locator("#typing")).ToHaveTextAsync("");

        // bob goes away with /away: alice sees him dimmed and marked, with why; the menu button says Back on bob's page.
        await bob.SendAsync("/away lunch");
        var bobInAlicesList = alice.Page.Locator("#people-list .person").Filter(new() { HasText = "bob" });
        await Expect(bobInAlicesList.Locator(".away-badge")).ToHaveTextAsync("away");
        await Expect(bobInAlicesList).ToHaveAttributeAsync("title", "Away: lunch — message bob privately");
        await Expect(bob.Page.Locator("#away-toggle")).ToHaveTextAsync("Back");

        await bob.Page.Locator("#away-toggle").ClickAsync();
        await Expect(bobInAlicesList.Locator(".away-badge")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#away-toggle")).ToHaveTextAsync("Away…");
    }
}
