using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Moderation in the web page: deletions applied live, /delete and /kick from the input, kicks shown clearly.</summary>
public sealed class ModerationTests
{
    [Fact]
    public async Task DeletedMessagesLoseTheirTextLiveAndTheOwnerDeletesAndKicksWithSlashCommands()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await alice.SendAsync("/join dev");
        await Expect(alice.Conversation("dev")).ToBeVisibleAsync();

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        var oops = await ProtocolSteps.SendOkAsync(bob, "dev", "oops, wrong window", "b1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "buy cheap stuff", "b2");
        await Expect(alice.MessageTexts.Last).ToHaveTextAsync("buy cheap stuff");

        // Bob deletes his own message: the page drops its text where it stood.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "delete", msg = oops.Str("msg"), id = "d1" }, "d1"));
        await Expect(alice.MessageTexts).ToHaveTextAsync(["message deleted by bob", "buy cheap stuff"]);

        // The owner deletes bob's latest message and kicks him, from the input.
        await alice.SendAsync("/delete bob");
        var deleted = await bob.ReadUntilAsync(f => f.Type() == "deleted");
        Assert.Equal("alice", deleted.Str("by"));
        await Expect(alice.MessageTexts).ToHaveTextAsync(["message deleted by bob", "message deleted by alice"]);

        await alice.SendAsync("/kick bob enough");
        var left = await bob.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob");
        Assert.Equal(("kicked", "enough", "alice"), (left.Str("reason"), left.Str("message"), left.Str("by")));
        await Expect(alice.Page.Locator("#messages .sys-text").Filter(new() { HasTextString = "bob was removed by alice (enough)" })).ToBeVisibleAsync();
    }
}
