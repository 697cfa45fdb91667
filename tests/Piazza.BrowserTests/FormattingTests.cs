using System.Collections.Concurrent;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Formatting on the page (issue 15): a message's Markdown shows as bold, code blocks, lists, quotes and safe links,
/// in real Chromium under the page's strict policy, while HTML and script links arrive as nothing but text.
/// </summary>
public sealed class FormattingTests
{
    [Fact]
    public async Task MarkdownShowsAsBoldCodeBlocksListsQuotesAndLinksThatOpenInANewTab()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var problems = new ConcurrentQueue<string>();
        var alice = await chromium.OpenAsync(server, beforeLoad: page => WatchAsync(page, problems));
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;

        var code = "dotnet publish -c Release " + string.Concat(Enumerable.Repeat("--a-very-long-option ", 30));
        await ProtocolSteps.SendOkAsync(bob, "lobby",
            $"**Release** _today_ ~~friday~~, see [the notes](https://example.org/notes):\n```\n{code}\n```\n- build\n- ship\n\n1. first\n2. second\n\n> it works on my machine\n\n@alice `ok`?", "f1");
        var text = alice.MessageTexts.Last;
        await Expect(text.Locator("p strong")).ToHaveTextAsync("Release");
        await Expect(text.Locator("p em")).ToHaveTextAsync("today");
        await Expect(text.Locator("p s")).ToHaveTextAsync("friday");
        await Expect(text.Locator("pre.code-block code")).ToHaveTextAsync(code.TrimEnd());
        await Expect(text.Locator("ul > li")).ToHaveTextAsync(["build", "ship"]);
        await Expect(text.Locator("ol > li")).ToHaveTextAsync(["first", "second"]);
        await Expect(text.Locator("blockquote")).ToHaveTextAsync("it works on my machine");
        await Expect(text.Locator("code.code")).ToHaveTextAsync("ok");
        await Expect(text).Not.ToContainTextAsync("**");

        var link = text.Locator("a.link");
        await Expect(link).ToHaveTextAsync("the notes");
        await Expect(link).ToHaveAttributeAsync("href", "https://example.org/notes");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");

        // The code block is monospace and wraps its long line instead of widening the message.
        var block = text.Locator("pre.code-block");
        Assert.Equal("pre-wrap", await block.EvaluateAsync<string>("b => getComputedStyle(b).whiteSpace"));
        Assert.Contains("mono", await block.EvaluateAsync<string>("b => getComputedStyle(b).fontFamily"), StringComparison.OrdinalIgnoreCase);
        Assert.True(await block.EvaluateAsync<bool>("b => b.scrollWidth <= b.clientWidth + 1 && b.getBoundingClientRect().height > 40"), "the long line wraps");

        // A mention is still highlighted; our own message is formatted once acknowledged.
        await Expect(alice.Page.Locator("#messages .msg.mention")).ToHaveCountAsync(1);
        await alice.SendAsync("**mine** and ~~yours~~");
        await Expect(alice.PendingMessages).ToHaveCountAsync(0);
        await Expect(alice.MessageTexts.Last.Locator("strong")).ToHaveTextAsync("mine");
        await Expect(alice.MessageTexts.Last.Locator("s")).ToHaveTextAsync("yours");
        Assert.True(problems.IsEmpty, "violations or errors: " + string.Join(" | ", problems));
    }

    [Fact]
    public async Task HtmlAndScriptLinksInAMessageStayTextAndNothingRuns()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var problems = new ConcurrentQueue<string>();
        var alice = await chromium.OpenAsync(server, beforeLoad: page => WatchAsync(page, problems));
        var dialogs = new ConcurrentQueue<string>();
        alice.Page.Dialog += (_, dialog) =>
        {
            dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;

        const string Image = "<img src=x onerror=alert(1)>";
        const string ScriptLink = "[x](javascript:alert(1))";
        await ProtocolSteps.SendOkAsync(bob, "lobby", Image, "h1");
        await ProtocolSteps.SendOkAsync(bob, "lobby", $"{ScriptLink} and [y](JAVASCRIPT:alert(2)) <javascript:alert(3)> <b onclick=alert(4)>bold?</b>", "h2");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "<script>alert(5)</script>\n\n[fine](https://example.org)", "h3");
        await Expect(alice.MessageTexts).ToHaveCountAsync(3);

        await Expect(alice.MessageTexts.Nth(0)).ToHaveTextAsync(Image);
        await Expect(alice.MessageTexts.Nth(1)).ToHaveTextAsync($"{ScriptLink} and [y](JAVASCRIPT:alert(2)) <javascript:alert(3)> <b onclick=alert(4)>bold?</b>");
        await Expect(alice.MessageTexts.Nth(2).Locator("p").First).ToHaveTextAsync("<script>alert(5)</script>");
        await Expect(alice.MessageTexts.Nth(2).Locator("a")).ToHaveAttributeAsync("href", "https://example.org/");

        var messages = alice.Page.Locator("#messages");
        await Expect(messages.Locator("img")).ToHaveCountAsync(0);
        await Expect(messages.Locator(".msg-text script, .msg-text b, .msg-text [onclick], .msg-text [onerror]")).ToHaveCountAsync(0);
        var hrefs = await messages.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.protocol)");
        Assert.Equal(["https:"], hrefs);

        // Clicking where the script link would be does nothing either.
        await alice.MessageTexts.Nth(1).ClickAsync();
        await alice.Page.EvaluateAsync("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
        Assert.Empty(dialogs);
        Assert.True(problems.IsEmpty, "violations or errors: " + string.Join(" | ", problems));
    }

    /// <summary>Records every CSP violation event, console error and uncaught page error.</summary>
    private static async Task WatchAsync(IPage page, ConcurrentQueue<string> problems)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        await page.ExposeFunctionAsync("__reportViolation", (string text) => problems.Enqueue($"violation: {text}"));
        await page.AddInitScriptAsync(@"document.addEventListener('securitypolicyviolation',
            (e) => window.__reportViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));");
    }
}
