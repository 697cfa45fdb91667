using System.Collections.Concurrent;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The page was served without a Content-Security-Policy. Under the strict policy it now has, everything a person does
/// (sign in, chat over the WebSocket, open the people list, share an image shown from a blob: URL) works and reports
/// no violation, while an injected inline script is refused: the policy is really in force.
/// </summary>
public sealed class ContentSecurityPolicyTests
{
    public static TheoryData<bool> OverHttps => [false, true];

    [Theory]
    [MemberData(nameof(OverHttps))]
    public async Task ThePageChatsAndSharesAnImageWithoutAnyContentSecurityPolicyViolation(bool https)
    {
        await using var server = https
            ? await ProductionServer.StartAsync(("DevTls", "true"), ("TlsPort", "0"), ("HttpsPort", "0"))
            : await ProductionServer.StartAsync();
        var address = https ? new Uri($"https://127.0.0.1:{server.HttpsEndPoint!.Port}/") : server.HttpBase;
        await using var chromium = await Chromium.LaunchAsync();
        var problems = new ConcurrentQueue<string>();
        var alice = await chromium.OpenAsync(server, address: address, beforeLoad: page => WatchAsync(page, problems));
        var bob = await chromium.OpenAsync(server, address: address, beforeLoad: page => WatchAsync(page, problems));
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");

        await alice.SendAcknowledgedAsync("hello under a strict policy");
        await bob.SendAcknowledgedAsync("and back");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello under a strict policy", "and back"]);
        await Expect(alice.Page.Locator("#people-list")).ToContainTextAsync("bob");
        await alice.Page.Locator("#input").FillAsync("a longer line\nthat grows the composer");
        await ShareImageAsync(alice.Page);
        foreach (var page in new[] { alice.Page, bob.Page })
        {
            await Expect(page.Locator("#messages .msg .file-thumb img")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"), new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync("() => document.querySelector('#messages .file-thumb img').naturalWidth === 64");
        }

        Assert.True(problems.IsEmpty, "violations or errors: " + string.Join(" | ", problems));

        // The control: an inline script injected into the page is refused and reported, so a silent page means something.
        var ran = await alice.Page.EvaluateAsync<bool>(@"() => new Promise((resolve) => {
            window.__inlineRan = false;
            document.addEventListener('securitypolicyviolation', () => resolve(window.__inlineRan), { once: true });
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.body.append(script);
            setTimeout(() => resolve('no violation'), 5000);
        })");
        Assert.False(ran);
        Assert.Contains(problems, p => p.Contains("script-src", StringComparison.Ordinal));
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

    /// <summary>Drops a small PNG the browser draws onto the conversation, as a person would drag it in.</summary>
    private static Task ShareImageAsync(IPage page) => page.EvaluateAsync(@"async () => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 32 });
        const g = canvas.getContext('2d');
        g.fillStyle = '#3553c7'; g.fillRect(0, 0, 64, 32);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], 'square.png', { type: 'image/png' }));
        const target = document.getElementById('conversation');
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }");
}
