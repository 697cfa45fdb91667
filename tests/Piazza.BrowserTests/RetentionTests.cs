using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>A room's retention on the page: the header says how long messages are kept, and a change is a line in the room.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task TheRoomHeaderShowsTheRetentionAndTheOwnersChangeIsALineInTheRoom()
    {
        await using var server = await ProductionServer.StartAsync(("Hub:Retention:Days", "90"));
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, _) = await ProtocolSteps.RegisterAsync(server.Port, "alice");
        await using var _alice = alice;
        await ProtocolSteps.JoinRoomAsync(alice, "dev");

        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        await bob.SendAsync("/join dev");
        await Expect(bob.Page.Locator("#conv-title")).ToHaveTextAsync("#dev");
        await Expect(bob.Page.Locator("#conv-retention")).ToHaveTextAsync("Messages kept for 90 days (server setting)");

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 30, id = "r" }, "r"));
        await Expect(bob.Page.Locator("#messages .sys").Last).ToContainTextAsync("alice set #dev to keep messages for 30 days");
        await Expect(bob.Page.Locator("#conv-retention")).ToHaveTextAsync("Messages kept for 30 days");
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "retention-notice.png"), await bob.Page.ScreenshotAsync());
    }
}
