using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Conversations have addresses (#/room/dev, #/dm/bob): a reload comes back to the open one, Back and Forward switch
/// conversations, and an address typed by hand joins its room; a bad or unknown one says why and stays in the lobby.
/// </summary>
public sealed class NavigationTests
{
    private static readonly Regex LobbyAddress = new("#/room/lobby$");

    [Fact]
    public async Task AReloadReturnsToTheOpenRoomOrPrivateConversationAndBackAndForwardSwitchConversations()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var alice = await chromium.OpenAsync(server, 1100, 640);
        await alice.RegisterAsync("alice");
        await Expect(alice.Page).ToHaveURLAsync(LobbyAddress);
        await JoinAsync(alice, "dev");
        await Expect(alice.Page).ToHaveURLAsync(new Regex("#/room/dev$"));
        await alice.SendAcknowledgedAsync("the build is green again");

        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["the build is green again"]);
        await Expect(alice.Page).ToHaveTitleAsync("#dev · Piazza");
        await alice.Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "web-reload-in-room.png") });

        // Back and Forward walk the conversations opened, without reloading the page.
        await alice.Conversation("lobby").ClickAsync();
        await Expect(alice.Page).ToHaveURLAsync(LobbyAddress);
        await alice.Page.GoBackAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await Expect(alice.Page).ToHaveURLAsync(new Regex("#/room/dev$"));
        await alice.Page.GoForwardAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");
        Assert.Equal("online", await alice.Status.GetAttributeAsync("data-state"));

        // From the keyboard, as in Slack and Element: Alt+↓ goes to the next conversation of the list.
        await alice.Page.Keyboard.PressAsync("Alt+ArrowDown");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await alice.Page.Keyboard.PressAsync("Alt+ArrowUp");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");

        // A private conversation has its address too, and a reload comes back to it.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "psst, alice", id = "p1" }, "p1"));
        await alice.Conversation("bob").ClickAsync();
        await Expect(alice.Page).ToHaveURLAsync(new Regex("#/dm/bob$"));
        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("@bob");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["psst, alice"]);
        await alice.Page.GoBackAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");
    }

    [Fact]
    public async Task AnAddressOfARoomNotJoinedJoinsItAndAnUnknownOrBadOneSaysWhyAndStaysInTheLobby()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "ops");
        await ProtocolSteps.SendOkAsync(bob, "ops", "deploy at noon", "o1");
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");

        // A link to a room alice is not in (typed, pasted or followed): she joins it and reads what was said.
        await alice.Page.GotoAsync($"{server.HttpBase}#/room/ops");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#ops");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["deploy at noon"]);
        await Expect(alice.Conversation("ops")).ToBeVisibleAsync();
        await bob.ReadUntilAsync(f => f.Type() == "joined" && f.Str("room") == "ops" && f.Str("user") == "alice");

        // A room that does not exist is not created by a link, and a name the server would refuse is explained.
        // (A new tab with that address: the page loads with it.)
        await alice.Page.EvaluateAsync("() => history.replaceState(null, '', '#/room/nosuchroom')");
        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(Notice(alice, "^There is no room called #nosuchroom: /join nosuchroom creates it\\.$")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");
        await Expect(alice.Page).ToHaveURLAsync(LobbyAddress);
        await Expect(alice.Conversation("nosuchroom")).ToHaveCountAsync(0);
        var who = await ProtocolSteps.RequestAsync(bob, new { type = "who", room = "nosuchroom", id = "w" }, "w");
        Assert.Equal("no_such_room", who.Str("code"));

        await alice.Page.GotoAsync($"{server.HttpBase}#/room/bad%20name!");
        await Expect(Notice(alice, "^“bad name!” is not a room name: room names are 1 to 64")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveURLAsync(LobbyAddress);

        await alice.Page.GotoAsync($"{server.HttpBase}#/dm/nobodyhere");
        await Expect(Notice(alice, "^There is no user called nobodyhere\\.$")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");
        await Expect(alice.Page.Locator("#direct-list .conv-btn")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnAddressOpenedBeforeLoggingInOpensItsRoomOnceLoggedIn()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "ops");
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(alice.Page.Locator("#login-view")).ToBeVisibleAsync();

        await alice.Page.GotoAsync($"{server.HttpBase}#/room/ops");
        await alice.LoginAsync("alice");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#ops");
        await Expect(alice.Page).ToHaveURLAsync(new Regex("#/room/ops$"));
    }

    /// <summary>A line the page wrote into the open conversation (not a message anyone sent).</summary>
    private static ILocator Notice(ChatPage page, string pattern) => page.Page.Locator("#messages .sys .sys-text", new() { HasTextRegex = new Regex(pattern) });

    private static async Task JoinAsync(ChatPage page, string room)
    {
        await page.Page.GetByLabel("Join or create a room").FillAsync(room);
        await page.Page.GetByLabel("Join or create a room").PressAsync("Enter");
        await Expect(page.Page.Locator("#conv-title")).ToHaveTextAsync($"#{room}");
    }
}
