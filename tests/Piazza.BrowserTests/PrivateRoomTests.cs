using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>A private room on the page: invisible to a non-member (list, address, /join), then joined from an invitation.</summary>
public sealed class PrivateRoomTests
{
    [Fact]
    public async Task APrivateRoomIsInvisibleToANonMemberUntilAnInvitationsJoinButtonEntersIt()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, _) = await ProtocolSteps.RegisterAsync(server.Port, "alice");
        await using var _alice = alice;
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "join", room = "ops", @private = true, id = "j" }, "j"));
        await ProtocolSteps.SendOkAsync(alice, "ops", "the secret plan", "s1");

        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        await bob.SendAsync("/rooms");
        await Expect(bob.Page.Locator("#messages .sys").Last).ToContainTextAsync("lobby");
        await Expect(bob.Page.Locator("#messages")).Not.ToContainTextAsync("ops ·");

        // The address of the room, and /join, say what they say for a room that does not exist.
        await bob.Page.EvaluateAsync("location.hash = '#/room/ops'");
        await Expect(bob.Page.Locator("#messages .sys").Last).ToContainTextAsync("There is no room called #ops");
        await bob.SendAsync("/join ops");
        await Expect(bob.Page.Locator("#messages .sys").Last).ToContainTextAsync("Could not join ops: there is no room 'ops'");
        await Expect(bob.Conversation("ops")).ToHaveCountAsync(0);
        Assert.DoesNotContain("the secret plan", await bob.Page.ContentAsync(), StringComparison.Ordinal);

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i" }, "i"));
        var join = bob.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Join #ops" });
        await Expect(bob.Page.Locator("#invitation-list")).ToContainTextAsync("alice invited you to #ops");
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "private-room-invited.png"), await bob.Page.ScreenshotAsync());
        await join.ClickAsync();
        await Expect(bob.Page.Locator("#conv-title")).ToHaveTextAsync("#ops");
        await Expect(bob.MessageTexts).ToHaveTextAsync(["the secret plan"]);
        await Expect(bob.Conversation("ops").Locator(".private-mark")).ToHaveCountAsync(1);
        await Expect(bob.Page.Locator("#invitation-list")).ToBeHiddenAsync();
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "private-room-joined.png"), await bob.Page.ScreenshotAsync());
    }
}
