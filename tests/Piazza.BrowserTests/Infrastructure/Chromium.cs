using Microsoft.Playwright;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>
/// Launches Debian's chromium through Playwright (no <c>playwright install</c>: these machines cannot download
/// browsers). A missing chromium fails the test with the fix, never skips it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"chromium is not installed at {ExecutablePath}: the browser tests need it. Install it with "
                + "`apt-get install -y chromium` (./test.sh does this when run as root).");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh browser profile (own localStorage) showing the server's page, from <paramref name="address"/> when given
    /// (an https address is trusted whatever its certificate: the tests use a self-signed one).
    /// </summary>
    public async Task<ChatPage> OpenAsync(TestServer server, int width = 1280, int height = 800, Func<IPage, Task>? beforeLoad = null, Uri? address = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = address?.Scheme == "https",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "Europe/Rome",
            ColorScheme = ColorScheme.Light,
        });
        var page = await context.NewPageAsync();
        var chat = new ChatPage(page);
        if (beforeLoad is not null)
        {
            await beforeLoad(page);
        }

        await page.GotoAsync((address ?? server.HttpBase).ToString());
        return chat;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing the browser first ends its WebSockets, so the server it talks to stops at once.
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
