using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Group conversations on the page: started with /msg bob,carol, listed with their people, answered.</summary>
public sealed class GroupConversationTests
{
    [Fact]
    public async Task AGroupStartedWithMsgIsListedWithItsPeopleAndItsAnswersArrive()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var (carol, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await using var _carol = carol;

        await alice.SendAsync("/msg bob,carol hello both");
        var atCarol = await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hello both");
        Assert.Equal("@alice,bob,carol", atCarol.Str("room"));
        Assert.Equal(["bob", "carol"], atCarol["to"]!.AsArray().Select(n => n!.GetValue<string>()));
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("@bob, carol");
        await Expect(alice.Conversation("bob, carol")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#direct-list .conv-btn")).ToHaveCountAsync(1);
        Assert.EndsWith("#/dm/bob,carol", alice.Page.Url, StringComparison.Ordinal);
        await Expect(alice.PendingMessages).ToHaveCountAsync(0);

        await carol.SendAsync(new { type = "send", to = new[] { "alice", "bob" }, text = "hi from carol", id = "c1" });
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello both", "hi from carol"]);
        await Expect(alice.Page.Locator("#people-list")).ToContainTextAsync("carol");
        await alice.SendAcknowledgedAsync("and again");
        var again = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "and again");
        Assert.Equal("@alice,bob,carol", again.Str("room"));

        // A reload comes back to the group from its address, with its messages.
        await alice.Page.ReloadAsync();
        await Expect(alice.Page.Locator("#conv-title")).ToHaveTextAsync("@bob, carol", new() { Timeout = 15_000 });
        await Expect(alice.MessageTexts).ToHaveTextAsync(["hello both", "hi from carol", "and again"]);
    }
}
