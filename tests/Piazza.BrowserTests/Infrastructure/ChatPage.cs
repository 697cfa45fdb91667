using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>The web client as a test sees it: sign in, pick conversations, send, and read what is shown.</summary>
public sealed class ChatPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>Acknowledged messages of the open conversation, in the order shown.</summary>
    public ILocator MessageTexts => Page.Locator("#messages .msg .msg-text");

    public ILocator PendingMessages => Page.Locator("#pending .msg.pending");

    public ILocator Status => Page.Locator("#status");

    public async Task RegisterAsync(string user, string password = ProtocolSteps.Password)
    {
        await FillLoginAsync(user, password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await ExpectConnectedAsync();
    }

    public async Task LoginAsync(string user, string password = ProtocolSteps.Password)
    {
        await FillLoginAsync(user, password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await ExpectConnectedAsync();
    }

    public async Task ExpectConnectedAsync()
    {
        await Expect(Page.Locator("#chat-view")).ToBeVisibleAsync();
        await Expect(Status).ToHaveAttributeAsync("data-state", "online", new() { Timeout = 20_000 });
    }

    /// <summary>Types a line and presses Enter, as a person would.</summary>
    public async Task SendAsync(string text)
    {
        var input = Page.GetByLabel("Message", new() { Exact = true });
        await input.FillAsync(text);
        await input.PressAsync("Enter");
    }

    /// <summary>Sends and waits until the server acknowledged it (nothing pending any more).</summary>
    public async Task SendAcknowledgedAsync(string text)
    {
        await SendAsync(text);
        await Expect(PendingMessages).ToHaveCountAsync(0);
        await Expect(MessageTexts.Filter(new() { HasTextString = text }).Last).ToBeVisibleAsync();
    }

    /// <summary>The sidebar entry of a room or private conversation (rooms by name, private ones by the peer).</summary>
    public ILocator Conversation(string name) => Page.Locator("#sidebar .conv-btn").Filter(new() { Has = Page.Locator(".conv-name", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(name)}$") }) });

    public async Task<string[]> ShownTextsAsync() => [.. await MessageTexts.AllTextContentsAsync()];

    private async Task FillLoginAsync(string user, string password)
    {
        await Page.GetByLabel("User name").FillAsync(user);
        await Page.GetByLabel("Password").FillAsync(password);
    }
}
