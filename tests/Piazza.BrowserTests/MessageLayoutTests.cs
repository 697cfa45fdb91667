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

    [Fact]
    public async Task CodeInBackticksShowsAsCodeAndALineMarksWhatArrivedWhileAwayFromTheRoom()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.SendOkAsync(bob, "lobby", "Run `git rebase -i HEAD~3` then:\n```\ngit push --force-with-lease origin main\n```", "c1");
        var text = alice.MessageTexts.Last;
        await Expect(text.Locator("code.code")).ToHaveTextAsync("git rebase -i HEAD~3");
        await Expect(text.Locator("pre.code-block")).ToHaveTextAsync("git push --force-with-lease origin main");
        await Expect(text).Not.ToContainTextAsync("`");

        await alice.SendAsync("/join dev");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "news 1", "n1");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "news 2", "n2");
        await Expect(alice.Conversation("lobby").Locator(".badge")).ToHaveTextAsync("2");
        await alice.Conversation("lobby").ClickAsync();
        await Expect(alice.Page.Locator("#messages > li:not(.day-separator)")).ToHaveCountAsync(5);
        var rows = await alice.Page.Locator("#messages > li:not(.day-separator):not(.sys)").EvaluateAllAsync<string[]>("rows => rows.map(r => r.classList.contains('unread-line') ? 'NEW' : r.querySelector('.msg-text').textContent)");
        Assert.Equal(["Run git rebase -i HEAD~3 then:git push --force-with-lease origin main", "NEW", "news 1", "news 2"], rows);
    }
}
