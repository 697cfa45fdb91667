using Microsoft.Playwright;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>
/// Debian's chromium through Playwright (no <c>playwright install</c>: these machines cannot download browsers),
/// launched once for the suite and lent to every test (starting Playwright's driver and a browser took a second or two
/// of each). Each test works in browser contexts of its own (own profile, own localStorage), made through its lease,
/// which closes them when the test ends. A missing chromium fails the test with the fix, never skips it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim Launching = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    private readonly List<IBrowserContext> _contexts = [];

    private Chromium(IBrowser browser) => Browser = browser;

    private IBrowser Browser { get; }

    /// <summary>The suite's browser, launched on first use and again if it went away (a crash must not fail every later test).</summary>
    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"chromium is not installed at {ExecutablePath}: the browser tests need it. Install it with "
                + "`apt-get install -y chromium` (./test.sh does this when run as root).");
        }

        await Launching.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true } running)
            {
                return new Chromium(running);
            }

            if (_playwright is null)
            {
                // The driver would outlive a test host that never disposed it; xUnit 2 has no end-of-assembly hook.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _playwright?.Dispose();
            }

            _playwright?.Dispose();
            _playwright = await Playwright.CreateAsync();

            // A test shares the machine's 2 cores with its server and, in CI, the packaging checks: an expectation
            // may wait longer than the default 5 s before it fails (a pass is as quick as ever).
            Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            return new Chromium(_browser);
        }
        finally
        {
            Launching.Release();
        }
    }

    /// <summary>
    /// A fresh browser profile (own localStorage) showing the server's page, from <paramref name="address"/> when given
    /// (an https address is trusted whatever its certificate: the tests use a self-signed one).
    /// </summary>
    public async Task<ChatPage> OpenAsync(TestServer server, int width = 1280, int height = 800, Func<IPage, Task>? beforeLoad = null, Uri? address = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var context = await NewContextAsync(new BrowserNewContextOptions
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

    /// <summary>A fresh browser profile of this test's own, closed with the lease.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options);
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return context;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing this test's contexts ends their pages' WebSockets, so the server they talk to stops at once; the
        // browser stays for the next test.
        List<IBrowserContext> contexts;
        lock (_contexts)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}
