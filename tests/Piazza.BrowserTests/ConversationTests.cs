using System.Text.Json.Nodes;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Rooms in the background count unread messages; private conversations appear, open and answer.</summary>
public sealed class ConversationTests
{
    [Fact]
    public async Task UnreadCountsAppearForABackgroundRoomAndClearOnOpeningIt()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await alice.Page.GetByLabel("Join or create a room").FillAsync("dev");
        await alice.Page.GetByLabel("Join or create a room").PressAsync("Enter");
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await alice.Conversation("lobby").ClickAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("#lobby");

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await ProtocolSteps.SendOkAsync(bob, "dev", "dev news 1", "d1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "dev news 2", "d2");

        var dev = alice.Conversation("dev");
        await Expect(dev.Locator(".badge")).ToHaveTextAsync("2");
        await Expect(alice.Page.Locator("#toggle-unread")).ToHaveTextAsync("2");
        await Expect(alice.Conversation("lobby").Locator(".badge")).ToHaveCountAsync(0);

        await dev.ClickAsync();
        await Expect(dev.Locator(".badge")).ToHaveCountAsync(0);
        await Expect(alice.MessageTexts).ToHaveTextAsync(["dev news 1", "dev news 2"]);
        await Expect(alice.Page.Locator("#people-list")).ToContainTextAsync("bob");
        await Expect(alice.Page.Locator("#messages .sys")).ToContainTextAsync(["bob joined"]);
    }

    [Fact]
    public async Task APrivateConversationOpensFromAnIncomingMessageAndFromMsg()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "psst, alice", id = "p1" }, "p1"));
        var withBob = alice.Conversation("bob");
        await Expect(withBob.Locator(".badge")).ToHaveTextAsync("1");
        await withBob.ClickAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("@bob");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["psst, alice"]);
        await alice.SendAcknowledgedAsync("hi bob, just between us");
        var reply = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi bob, just between us");
        Assert.Equal("alice", reply.Str("from"));
        Assert.Equal("@alice,bob", reply.Str("room"));

        // A guest's conversation id has its random key ('~dave~…'): the page's first guess is corrected from the server's answer.
        var (dave, _) = await RawClient.JoinAsync(server.Port, "dave");
        await using var _dave = dave;
        await alice.Conversation("lobby").ClickAsync();
        await alice.SendAsync("/msg dave hello dave");
        var toDave = await dave.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hello dave");
        Assert.Matches("^@alice,~dave~[0-9a-f]{16}$", toDave.Str("room"));
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("@dave");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello dave"]);
        await Expect(alice.PendingMessages).ToHaveCountAsync(0);
        await dave.SendAsync(new { type = "send", to = "alice", text = "hi alice", id = "d1" });
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello dave", "hi alice"]);
        await Expect(alice.Page.Locator("#direct-list .conv-btn")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task MarkupInAMessageIsShownAsTextAndOnlyWebLinksAreClickable()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        var dialogs = 0;
        alice.Page.Dialog += (_, dialog) =>
        {
            Interlocked.Increment(ref dialogs);
            _ = dialog.DismissAsync();
        };
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;

        const string Markup = "<script>alert(1)</script><b>x</b>";
        const string Links = "see https://example.com/a?b=1&c=<i>, not javascript:alert(1) or <a href=\"https://evil.example\">this</a>";
        await ProtocolSteps.SendOkAsync(bob, "lobby", Markup, "x1");
        await ProtocolSteps.SendOkAsync(bob, "lobby", Links, "x2");
        await alice.SendAcknowledgedAsync("<img src=x onerror=alert(2)>");

        await Expect(alice.MessageTexts).ToHaveTextAsync([Markup, Links, "<img src=x onerror=alert(2)>"]);
        var messages = alice.Page.Locator("#messages");
        await Expect(messages.Locator("script")).ToHaveCountAsync(0);
        await Expect(messages.Locator("b")).ToHaveCountAsync(0);
        await Expect(messages.Locator("i")).ToHaveCountAsync(0);
        await Expect(messages.Locator("img")).ToHaveCountAsync(0);
        var links = messages.Locator("a");
        await Expect(links).ToHaveCountAsync(2);
        await Expect(links.First).ToHaveAttributeAsync("href", "https://example.com/a?b=1&c=");
        await Expect(links.First).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(links.Nth(1)).ToHaveAttributeAsync("href", "https://evil.example/");
        Assert.Equal(0, Volatile.Read(ref dialogs));
    }
}
