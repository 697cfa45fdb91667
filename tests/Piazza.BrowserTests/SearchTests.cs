using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The search box: results show room, sender, time and a snippet whose matches are &lt;mark&gt; elements (user markup
/// stays text); clicking a result older than the loaded history opens the conversation, loads older pages until the
/// message is there, and scrolls to it.
/// </summary>
public sealed class SearchTests
{
    [Fact]
    public async Task ASearchShowsMarkedSnippetsAndClickingAnOldResultLoadsHistoryAndScrollsToIt()
    {
        await using var server = await ProductionServer.StartSeededAsync(async seeding =>
        {
            var (bob, _) = await ProtocolSteps.RegisterAsync(seeding.Port, "bob");
            await using var _bob = bob;
            await ProtocolSteps.SendOkAsync(bob, "lobby", "the needle is here <img src=x onerror=alert(1)>", "needle");
            for (var i = 1; i <= 150; i++)
            {
                await ProtocolSteps.SendOkAsync(bob, "lobby", $"filler line {i:000}", $"m{i}");
            }
        });
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await Expect(alice.MessageTexts.Last).ToHaveTextAsync("filler line 150");
        await Expect(alice.MessageTexts.Filter(new() { HasTextString = "the needle is here" })).ToHaveCountAsync(0);

        await alice.Page.Locator("#search-input").FillAsync("needle");
        await alice.Page.Locator("#search-input").PressAsync("Enter");
        var result = alice.Page.Locator("#search-results .search-result");
        await Expect(result).ToHaveCountAsync(1);
        await Expect(result.Locator(".search-room")).ToHaveTextAsync("lobby");
        await Expect(result.Locator(".search-from")).ToHaveTextAsync("bob");
        await Expect(result.Locator(".search-time")).Not.ToBeEmptyAsync();
        await Expect(result.Locator(".search-snippet mark")).ToHaveTextAsync("needle");
        await Expect(result.Locator(".search-snippet")).ToHaveTextAsync("the needle is here <img src=x onerror=alert(1)>");
        await Expect(result.Locator("img")).ToHaveCountAsync(0);

        await result.ClickAsync();
        var target = alice.MessageTexts.Filter(new() { HasTextString = "the needle is here" });
        await Expect(target).ToHaveCountAsync(1);
        await Expect(target).ToBeInViewportAsync();

        await alice.Page.Locator("#search-input").FillAsync("NEAR(");
        await alice.Page.Locator("#search-input").PressAsync("Enter");
        await Expect(alice.Page.Locator("#search-summary")).ToContainTextAsync("parentheses");
    }
}
