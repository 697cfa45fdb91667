using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>Guests learn before choosing a file that sharing files needs an account, and the people list marks guests.</summary>
public sealed class GuestTests
{
    [Fact]
    public async Task AGuestSeesUpFrontThatThePaperclipNeedsAnAccountAndNoFileChooserOpens()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var guest = await chromium.OpenAsync(server);
        await guest.Page.GetByLabel("User name").FillAsync("visitor");
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Continue as guest" }).ClickAsync();
        await guest.ExpectConnectedAsync();

        var attach = guest.Page.GetByRole(AriaRole.Button, new() { Name = "Attach files" });
        await Expect(attach).ToHaveAttributeAsync("aria-disabled", "true");
        await Expect(attach).ToHaveAttributeAsync("title", "Guests cannot share files: log in or register an account.");
        await Expect(attach).ToHaveAccessibleDescriptionAsync(new Regex("^You are a guest: you can chat, but sharing files needs an account"));
        await Expect(guest.Page.Locator("#guest-note")).ToBeVisibleAsync();

        var choosers = 0;
        guest.Page.FileChooser += (_, _) => Interlocked.Increment(ref choosers);
        // Playwright will not click what is marked disabled; a person can, and is told why nothing opens.
        await attach.ClickAsync(new() { Force = true });
        await Expect(guest.Page.Locator("#messages .sys .sys-text").Last).ToHaveTextAsync("Guests cannot share files: log in or register an account.");
        Assert.Equal(0, choosers);

        // An account's paperclip opens the file chooser, with no guest note.
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        await Expect(alice.Page.Locator("#guest-note")).ToBeHiddenAsync();
        var chooser = alice.Page.WaitForFileChooserAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Attach files" }).ClickAsync();
        await chooser;
    }

    [Fact]
    public async Task ThePeopleListMarksGuestsWhetherTheyWereThereFirstOrJoinedLater()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (early, _) = await RawClient.JoinAsync(server.Port, "dave");
        await using var _early = early;
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var (late, _) = await RawClient.JoinAsync(server.Port, "erin");
        await using var _late = late;
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;

        var people = alice.Page.Locator("#people-list .person");
        await Expect(people.Locator(".person-name")).ToHaveTextAsync(["alice", "bob", "dave", "erin"]);
        await Expect(Person(alice, "dave").Locator(".guest-badge")).ToHaveTextAsync("guest");
        await Expect(Person(alice, "erin").Locator(".guest-badge")).ToHaveTextAsync("guest");
        await Expect(Person(alice, "bob").Locator(".guest-badge")).ToHaveCountAsync(0);
        await Expect(Person(alice, "alice").Locator(".guest-badge")).ToHaveCountAsync(0);
        await Expect(Person(alice, "erin")).ToHaveAccessibleNameAsync(new Regex("^erin \\(guest\\), online"));

        // The server says so in every user list and in joined: the terminal client and bots can tell too.
        var who = await ProtocolSteps.RequestAsync(bob, new { type = "who", room = "lobby", id = "w" }, "w");
        var guests = who["users"]!.AsArray().Where(u => u!["guest"]?.GetValue<bool>() == true).Select(u => u!["user"]!.GetValue<string>()).Order();
        Assert.Equal(["dave", "erin"], guests);
    }

    private static ILocator Person(ChatPage page, string name)
        => page.Page.Locator("#people-list .person").Filter(new() { Has = page.Page.Locator(".person-name", new() { HasTextRegex = new Regex($"^{name}$") }) });
}
