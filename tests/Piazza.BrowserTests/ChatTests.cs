using System.Text.Json.Nodes;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Two people in browsers and one protocol client talk in the lobby; everyone sees the same conversation.</summary>
public sealed class ChatTests
{
    [Fact]
    public async Task TwoBrowsersAndAProtocolClientSeeEveryMessageInOrder()
    {
        await using var server = await ProductionServer.StartAsync();
        var (carol, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await using var _carol = carol;
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        var bob = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");

        // Each waits for its acknowledgement, so the server's order is the order written here.
        var expected = new List<string>();
        var carolFrames = new List<JsonObject>();
        for (var round = 1; round <= 3; round++)
        {
            expected.Add($"alice says {round}");
            await alice.SendAcknowledgedAsync(expected[^1]);
            expected.Add($"bob answers {round}");
            await bob.SendAcknowledgedAsync(expected[^1]);
            expected.Add($"carol adds {round}");
            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carol, new { type = "send", room = "lobby", text = expected[^1], id = $"c{round}" }, $"c{round}", carolFrames));
        }

        await Expect(alice.MessageTexts).ToHaveTextAsync([.. expected]);
        await Expect(bob.MessageTexts).ToHaveTextAsync([.. expected]);
        var seenByCarol = carolFrames.Where(f => f.Type() == "message").Select(f => f.Str("text")!).ToList();
        while (seenByCarol.Count < expected.Count)
        {
            var frame = await carol.ReadUntilAsync(f => f.Type() == "message");
            seenByCarol.Add(frame.Str("text")!);
        }

        Assert.Equal(expected, seenByCarol);

        // Own messages are marked as such; the others' are not.
        await Expect(alice.Page.Locator("#messages .msg.own .msg-text")).ToHaveTextAsync(["alice says 1", "alice says 2", "alice says 3"]);
        await Expect(alice.Page.Locator("#people-list")).ToContainTextAsync("bob");
        await Expect(alice.Page.Locator("#people-list")).ToContainTextAsync("carol");
    }
}
