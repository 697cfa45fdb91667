using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Scrolling back loads older messages, page by page, without moving what the reader is looking at. The history is
/// written before the page's server starts (faster than its production flood limits allow anyone to write).
/// </summary>
public sealed class HistoryTests
{
    [Fact]
    public async Task ScrollingBackLoadsOlderHistoryKeepingThePosition()
    {
        var all = Enumerable.Range(1, 120).Select(i => $"old message {i:000}").ToArray();
        await using var server = await ProductionServer.StartSeededAsync(async seeding =>
        {
            var (bob, _) = await ProtocolSteps.RegisterAsync(seeding.Port, "bob");
            await using var _bob = bob;
            foreach (var (text, i) in all.Select((t, i) => (t, i)))
            {
                await ProtocolSteps.SendOkAsync(bob, "lobby", text, $"m{i}");
            }
        });
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await Expect(alice.MessageTexts).ToHaveTextAsync(all[70..]);
        await Expect(alice.MessageTexts.Last).ToBeInViewportAsync();

        var scroller = alice.Page.Locator("#scroller");
        await scroller.EvaluateAsync("e => { e.scrollTop = 0; }");
        await Expect(alice.MessageTexts).ToHaveTextAsync(all[20..]);
        // The reader still sees what was at the top before the older page arrived above it.
        await Expect(alice.MessageTexts.Filter(new() { HasTextString = "old message 071" })).ToBeInViewportAsync();
        await Expect(alice.MessageTexts.Filter(new() { HasTextString = "old message 021" })).Not.ToBeInViewportAsync();

        await scroller.EvaluateAsync("e => { e.scrollTop = 0; }");
        await Expect(alice.MessageTexts).ToHaveTextAsync(all);
        await Expect(alice.Page.Locator("#history-status")).ToHaveTextAsync("This is the beginning of the conversation.");
    }

    [Fact]
    public async Task NewMessagesDoNotMoveAReaderWhoScrolledBack()
    {
        await using var server = await ProductionServer.StartSeededAsync(async seeding =>
        {
            var (seeder, _) = await ProtocolSteps.RegisterAsync(seeding.Port, "bob");
            await using var _seeder = seeder;
            for (var i = 1; i <= 60; i++)
            {
                await ProtocolSteps.SendOkAsync(seeder, "lobby", $"line {i}", $"m{i}");
            }
        });
        var (bob, _) = await ProtocolSteps.LoginAsync(server.Port, "bob");
        await using var _bob = bob;

        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await Expect(alice.MessageTexts.Last).ToHaveTextAsync("line 60");

        // Read back a little (not to the top, which would load more), then a message arrives.
        var scroller = alice.Page.Locator("#scroller");
        await scroller.EvaluateAsync("e => { e.scrollTop = (e.scrollHeight - e.clientHeight) / 2; }");
        var before = await scroller.EvaluateAsync<double>("e => e.scrollTop");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "a new one", "new");
        var marker = alice.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("new message") });
        await Expect(marker).ToBeVisibleAsync();
        Assert.Equal(before, await scroller.EvaluateAsync<double>("e => e.scrollTop"));
        await Expect(alice.MessageTexts.Last).Not.ToBeInViewportAsync();

        await marker.ClickAsync();
        await Expect(alice.MessageTexts.Last).ToBeInViewportAsync();
        await Expect(marker).ToBeHiddenAsync();
    }
}
