using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>How the timeline lays messages out, measured in real Chromium at desktop and phone widths.</summary>
public sealed class MessageLayoutTests
{
    /// <summary>Slack's rhythm: a further one-line message of the same sender is about one line of text tall.</summary>
    private const double MaxGroupedRowPx = 24;

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task ConsecutiveOneLineMessagesOfOneSenderAreOneTextLineTall(int width, int height)
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server, width, height);
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        string[] lines = ["did the deploy go out?", "ok", "checking the logs now", "looks fine"];
        for (var i = 0; i < lines.Length; i++)
        {
            await ProtocolSteps.SendOkAsync(bob, "lobby", lines[i], $"b{i}");
        }

        await Expect(alice.MessageTexts).ToHaveTextAsync(lines);
        await Expect(alice.Page.Locator("#messages .msg.grouped")).ToHaveCountAsync(lines.Length - 1);
        var heights = await alice.Page.Locator("#messages .msg.grouped").EvaluateAllAsync<double[]>("rows => rows.map(r => r.getBoundingClientRect().height)");
        Assert.All(heights, h => Assert.InRange(h, 16, MaxGroupedRowPx));
        var first = await alice.Page.Locator("#messages .msg:not(.grouped)").First.EvaluateAsync<double>("r => r.getBoundingClientRect().height");
        Assert.True(first > heights.Max() + 16, $"the first message of a group carries the name above its text ({first} px)");
    }
}
