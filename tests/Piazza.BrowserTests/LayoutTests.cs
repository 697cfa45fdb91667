using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// The page at desktop and phone width with a realistic conversation; the screenshots land in the test output, and
/// in docs/ (web-desktop.png, web-phone.png) when PIAZZA_SCREENSHOTS=1.
/// </summary>
public sealed class LayoutTests
{
    [Fact]
    public async Task DesktopAndPhoneLayoutsShowARealConversation()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var desktop = await chromium.OpenAsync(server);
        await desktop.RegisterAsync("alice");

        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var (carol, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await using var _carol = carol;
        await ProtocolSteps.SendOkAsync(bob, "lobby", "Good morning, everyone!", "l1");
        await ProtocolSteps.SendOkAsync(carol, "lobby", "Morning! Coffee machine on 3 is fixed, by the way.", "l2");

        await desktop.SendAsync("/join design");
        await Expect(desktop.Page.Locator("#conv-title")).ToHaveTextAsync("#design");
        await desktop.SendAsync("/topic Onboarding v2 — mockups, copy and the launch checklist");
        await Expect(desktop.Page.Locator("#conv-topic")).ToHaveTextAsync("Onboarding v2 — mockups, copy and the launch checklist");
        await ProtocolSteps.JoinRoomAsync(bob, "design", "j1");
        await ProtocolSteps.JoinRoomAsync(carol, "design", "j2");
        await ProtocolSteps.SendOkAsync(bob, "design", "I pushed the new onboarding mockups: https://example.com/mockups/onboarding-v2", "d1");
        await ProtocolSteps.SendOkAsync(carol, "design", "Looks great. The sign-up card feels much calmer now.", "d2");
        await ProtocolSteps.SendOkAsync(carol, "design", "One nit: can the primary button be full width on phones?", "d3");
        await desktop.SendAcknowledgedAsync("Good call, I'll make it full width below 400px.");
        await desktop.SendAcknowledgedAsync("And I'll shorten the welcome copy to two lines.");
        await ProtocolSteps.SendOkAsync(bob, "design", "+1, spec updated. Demo at 15:00?", "d4");
        await desktop.SendAcknowledgedAsync("Works for me — I'll bring the release notes.");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "Lunch at 12:30? The new place on Via Roma.", "l3");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carol, new { type = "send", to = "alice", text = "Got a minute after the demo?", id = "p1" }, "p1"));
        await Expect(desktop.Conversation("carol").Locator(".badge")).ToHaveTextAsync("1");
        await Expect(desktop.Conversation("lobby").Locator(".badge")).ToHaveTextAsync("1");
        await Expect(desktop.MessageTexts).ToHaveCountAsync(7);
        await Expect(desktop.Page.Locator("#people-list .person")).ToHaveCountAsync(3);
        await Expect(desktop.Page.Locator("#sidebar")).ToBeInViewportAsync();
        await desktop.Page.Locator("#input").FillAsync("Sounds good!");
        await desktop.Page.Mouse.MoveAsync(640, 20);
        await SaveScreenshotAsync(desktop.Page, "web-desktop.png");

        // Phone width: the conversations hide behind a button; the same account signs in on a second device.
        var phone = await chromium.OpenAsync(server, 390, 844);
        await phone.LoginAsync("alice");
        await Expect(phone.Page.Locator("#sidebar")).Not.ToBeInViewportAsync();
        var menu = phone.Page.GetByRole(AriaRole.Button, new() { Name = "Show conversations" });
        await menu.ClickAsync();
        await Expect(phone.Page.Locator("#sidebar")).ToBeInViewportAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await phone.Conversation("design").ClickAsync();
        await Expect(phone.Page.Locator("#sidebar")).Not.ToBeInViewportAsync();
        await Expect(phone.Page.Locator("#conv-title")).ToHaveTextAsync("#design");
        await Expect(phone.MessageTexts).ToHaveCountAsync(7);
        await Expect(phone.MessageTexts.Last).ToBeInViewportAsync();
        await phone.Page.Locator("#input").BlurAsync();
        await SaveScreenshotAsync(phone.Page, "web-phone.png");
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync();
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("PIAZZA_SCREENSHOTS") == "1")
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Piazza.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            await File.WriteAllBytesAsync(Path.Combine(root.FullName, "docs", name), bytes);
        }
    }
}
