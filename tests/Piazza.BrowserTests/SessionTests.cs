using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Signing in: the token is remembered across reloads and forgotten on logout; guests need no password.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task ARememberedTokenSignsInAgainUntilLogout()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        Assert.False(string.IsNullOrEmpty(await alice.Page.EvaluateAsync<string?>("() => localStorage.getItem('piazza.token')")));

        // The shipped page has no test hooks: these tests read what a person sees.
        Assert.Equal("undefined", await alice.Page.EvaluateAsync<string>("() => typeof window.piazza"));

        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.Page.Locator("#me-name")).ToHaveTextAsync("Aalice");
        await Expect(alice.Page.Locator("#login-view")).ToBeHiddenAsync();

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(alice.Page.Locator("#login-view")).ToBeVisibleAsync();
        Assert.Null(await alice.Page.EvaluateAsync<string?>("() => localStorage.getItem('piazza.token')"));
        await alice.Page.ReloadAsync();
        await Expect(alice.Page.GetByLabel("User name")).ToBeVisibleAsync();

        // A wrong password is reported on the form; the right one gets in.
        await alice.Page.GetByLabel("User name").FillAsync("alice");
        await alice.Page.GetByLabel("Password").FillAsync("not the password");
        await alice.Page.GetByLabel("Password").PressAsync("Enter");
        await Expect(alice.Page.Locator("#login-error")).ToHaveTextAsync("Wrong password, or there is no account called “alice”. New here? Register creates it with the password you typed.");
        await alice.LoginAsync("alice");
    }

    [Fact]
    public async Task AGuestChatsWithoutAPassword()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var guest = await chromium.OpenAsync(server, 390, 844);
        await guest.Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "web-login-phone.png") });
        await guest.Page.GetByLabel("User name").FillAsync("visitor");
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Continue as guest" }).ClickAsync();
        await guest.ExpectConnectedAsync();
        await guest.SendAcknowledgedAsync("just looking around");
        Assert.Null(await guest.Page.EvaluateAsync<string?>("() => localStorage.getItem('piazza.token')"));
    }
}
