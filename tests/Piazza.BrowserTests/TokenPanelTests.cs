using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The settings dialog's "Tokens and sessions" section (issue 16): a named token is created with its secret shown
/// once, listed, refused a second time by name and revoked; another device is listed and signed out; and a bot's
/// messages and presence carry the BOT badge.
/// </summary>
public sealed class TokenPanelTests
{
    [Fact]
    public async Task TokensAreCreatedShownOnceAndRevokedOtherDevicesAreSignedOutAndBotsAreMarked()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = server.HttpBase.GetLeftPart(UriPartial.Authority) });
        await alice.RegisterAsync("alice");
        var phone = await TokenAsync(server, "/api/login", new { user = "alice", password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, phone));

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        var panel = dialog.GetByRole(AriaRole.Region, new() { Name = "Tokens and sessions" });
        var sessions = panel.GetByRole(AriaRole.List, new() { Name = "Signed-in devices" }).GetByRole(AriaRole.Listitem);
        await Expect(sessions).ToHaveCountAsync(2);
        await Expect(sessions.First).ToContainTextAsync("this device");
        await Expect(sessions.First).ToContainTextAsync("piazza-web");
        await Expect(sessions.Nth(1)).ToContainTextAsync("http");

        // A token: the secret once, with a warning; it works over REST and is listed without it.
        await panel.GetByLabel("Name").FillAsync("deploy-bot");
        await panel.GetByLabel("moderate").CheckAsync();
        await panel.GetByLabel("Expires after (days, empty: never)").FillAsync("30");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(panel.Locator(".token-warning")).ToContainTextAsync("it will not be shown again");
        var secretBox = panel.GetByLabel("Secret of token deploy-bot");
        await Expect(secretBox).ToHaveValueAsync(new Regex(".{20,}"));
        var secret = await secretBox.InputValueAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, secret));
        await panel.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true }).ClickAsync();
        await Expect(panel.Locator(".token-copied")).ToHaveTextAsync("Copied.");
        Assert.Equal(secret, await alice.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var tokens = panel.GetByRole(AriaRole.List, new() { Name = "Tokens for bots and scripts" }).GetByRole(AriaRole.Listitem);
        await Expect(tokens).ToHaveCountAsync(1);
        await Expect(tokens.First).ToContainTextAsync("deploy-bot");
        await Expect(tokens.First).ToContainTextAsync("readsendmoderate");
        await Expect(tokens.First).ToContainTextAsync("expires");
        await panel.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Expect(secretBox).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await dialog.InnerTextAsync(), StringComparison.Ordinal);

        // The server's refusal is shown in the panel.
        await panel.GetByLabel("Name").FillAsync("deploy-bot");
        await panel.GetByLabel("Name").PressAsync("Enter");
        await Expect(panel.GetByRole(AriaRole.Alert)).ToContainTextAsync("exists already");
        await Expect(dialog).ToBeVisibleAsync(); // Enter in the form does not close the dialog

        // Closed and opened again: listed, the secret is not shown again; revoked, it no longer works.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await alice.Page.Keyboard.PressAsync("Control+Comma");
        await Expect(tokens).ToHaveCountAsync(1);
        await Expect(panel.Locator(".token-secret input")).ToHaveCountAsync(0);
        await panel.GetByRole(AriaRole.Button, new() { Name = "Revoke token deploy-bot" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("revoked");
        await Expect(tokens).ToHaveTextAsync(["No tokens yet."]);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(server, secret));

        // Sign out other devices: the REST session's token is refused from now on; this page stays.
        await panel.GetByRole(AriaRole.Button, new() { Name = "Sign out other devices" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out 1 other device.");
        await Expect(sessions).ToHaveCountAsync(1);
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Sign out other devices" })).ToBeDisabledAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(server, phone));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await alice.ExpectConnectedAsync();

        // A bot (registered over REST) present in the lobby and posting over REST is marked BOT; alice is not.
        var bot = await TokenAsync(server, "/api/register", new { user = "ci", password = ProtocolSteps.Password, bot = true });
        var (botClient, _) = await ProtocolSteps.TokenLoginAsync(server.Port, bot);
        await using var _bot = botClient;
        await alice.SendAcknowledgedAsync("is the build green?");
        using (var http = Http(server, bot))
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/rooms/lobby/messages", new { text = "build 12 passed" })).StatusCode);
        }

        var botMessage = alice.Page.Locator("#messages .msg").Filter(new() { HasTextString = "build 12 passed" });
        await Expect(botMessage.Locator(".msg-header .bot-badge")).ToHaveAttributeAsync("title", "bot");
        await Expect(botMessage.Locator(".msg-header")).ToContainTextAsync("ciBOT");
        await Expect(alice.Page.Locator("#messages .msg").Filter(new() { HasTextString = "is the build green?" }).Locator(".bot-badge")).ToHaveCountAsync(0);
        var people = alice.Page.Locator("#people-list .person");
        await Expect(people.Filter(new() { HasTextString = "ci" }).Locator(".bot-badge")).ToHaveTextAsync("BOT");
        await Expect(people.Filter(new() { HasTextString = "alice" }).Locator(".bot-badge")).ToHaveCountAsync(0);
    }

    private static HttpClient Http(TestServer server, string? token = null)
    {
        var http = new HttpClient { BaseAddress = server.HttpBase };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task<string> TokenAsync(TestServer server, string path, object body)
    {
        using var http = Http(server);
        var answer = await http.PostAsJsonAsync(path, body);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> StatusAsync(TestServer server, string token)
    {
        using var http = Http(server, token);
        using var answer = await http.GetAsync(new Uri("/api/me", UriKind.Relative));
        return answer.StatusCode;
    }
}
