using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The sign-in form keeps what was typed after a refusal and says what went wrong: a wrong password or unknown
/// account (then Register works with the password typed), too many attempts, or a server that cannot be reached.
/// </summary>
public sealed class LoginFormTests
{
    [Fact]
    public async Task AFailedLoginKeepsThePasswordAndRegisterThenCreatesTheAccountWithIt()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var carol = await chromium.OpenAsync(server);
        var password = carol.Page.GetByLabel("Password");
        await carol.Page.GetByLabel("User name").FillAsync("carol");
        await password.FillAsync("correct horse battery");
        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();

        await Expect(Error(carol)).ToHaveTextAsync("Wrong password, or there is no account called “carol”. New here? Register creates it with the password you typed.");
        await Expect(password).ToHaveValueAsync("correct horse battery");
        await Expect(password).ToBeFocusedAsync();

        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await carol.ExpectConnectedAsync();
        await Expect(carol.Page.Locator("#me-name")).ToHaveTextAsync("Ccarol");
    }

    [Fact]
    public async Task AShortPasswordIsCountedAndATakenNameOnRegisterSaysSo()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var page = await chromium.OpenAsync(server);
        await page.Page.GetByLabel("User name").FillAsync("bob");
        await page.Page.GetByLabel("Password").FillAsync("short");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await Expect(Error(page)).ToHaveTextAsync("Choose a password of at least 8 characters: the one typed has 5.");

        await page.Page.GetByLabel("Password").FillAsync("long enough now");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await Expect(Error(page)).ToHaveTextAsync(new Regex("^The name “bob” is taken"));
        await Expect(page.Page.GetByLabel("User name")).ToBeFocusedAsync();
        await Expect(page.Page.GetByLabel("Password")).ToHaveValueAsync("long enough now");
    }

    [Fact]
    public async Task RepeatedWrongPasswordsAreToldToWaitInsteadOfRetryingSilently()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var page = await chromium.OpenAsync(server);
        await page.Page.GetByLabel("User name").FillAsync("bob");
        await page.Page.GetByLabel("Password").FillAsync("not bob's password");
        var logIn = page.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true });

        // The server lets 5 failures for one account from one address go by, then makes each further try wait.
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await logIn.ClickAsync();
            await Expect(Error(page)).ToHaveTextAsync(new Regex("^(Wrong password|Too many sign-in attempts)"), new() { Timeout = 20_000 });
            await Expect(logIn).ToBeEnabledAsync();
            if ((await Error(page).TextContentAsync())!.StartsWith("Too many", StringComparison.Ordinal))
            {
                break;
            }
        }

        await Expect(Error(page)).ToHaveTextAsync(new Regex("^Too many sign-in attempts from here, or the server is busy: wait \\d+ seconds?, then try again\\.$"));
        await Expect(page.Page.GetByLabel("Password")).ToHaveValueAsync("not bob's password");
    }

    [Fact]
    public async Task ASignInThatCannotReachTheServerSaysSoAndFreesTheForm()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(server);
        // The page is served, but its WebSocket finds nobody (a server gone since the page loaded).
        await page.Page.RouteWebSocketAsync(new Regex("/ws$"), ws => ws.CloseAsync());
        await page.Page.GetByLabel("User name").FillAsync("alice");
        await page.Page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();

        await Expect(Error(page)).ToHaveTextAsync(new Regex("^Cannot reach the server at 127\\.0\\.0\\.1:\\d+: check your connection, then try again\\.$"));
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true })).ToBeEnabledAsync();
        await Expect(page.Page.GetByLabel("Password")).ToHaveValueAsync("correct horse battery");
    }

    private static ILocator Error(ChatPage page) => page.Page.Locator("#login-error");
}
