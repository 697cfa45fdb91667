using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Real IRC clients on the IRC door: irssi and weechat (Debian's packages) in tmux log in with SASL PLAIN, join #dev and
/// chat there with the terminal client (also in tmux) and a browser user; every one of the four shows every line, with
/// its sender. The final screens are saved beside the tests, and to docs/irc/ with PIAZZA_CAPTURE_DOCS=1.
/// </summary>
public sealed partial class IrcClientsTests
{
    private const string Channel = "#dev";
    private const string Room = "dev";

    /// <summary>Who uses which client, and the line each says, in the order they say them.</summary>
    private static readonly (string User, string Client, string Text)[] Conversation =
    [
        ("alice", "irssi", "hello from irssi"),
        ("bob", "weechat", "hi alice, weechat here"),
        ("carol", "tui", "the terminal client says hi"),
        ("dave", "browser", "ciao from the browser, è tutto ok"),
    ];

    [Fact]
    public async Task Irssi_and_weechat_log_in_with_sasl_and_chat_with_the_terminal_client_and_a_browser_in_one_room()
    {
        var home = Directory.CreateTempSubdirectory("piazza-irc-clients-").FullName;
        try
        {
            await ChatAsync(home);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task ChatAsync(string home)
    {
        // Disposed in reverse: the terminals end first, then the browser (its WebSocket), then the server.
        await using var server = await ProductionServer.StartAsync();
        var irc = server.IrcEndPoint ?? throw new InvalidOperationException("the test server has no IRC door");
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await RegisterOverRestAsync(server, user);
        }

        await using var chromium = await Chromium.LaunchAsync();
        await using var terminals = new TmuxTerminals();

        // irssi: window 1 (status) shows the SASL outcome; the config binds #dev to window 2.
        var irssiHome = Path.Combine(home, "irssi");
        var irssiConfig = IrcClientConfigs.WriteIrssi(irssiHome, irc, "alice", ProtocolSteps.Password, Channel);
        var irssi = await terminals.StartAsync("irssi", 100, 40, Home(home, "irssi"), "irssi", $"--home={irssiHome}", $"--config={irssiConfig}");
        var irssiStatus = await irssi.WaitForAsync(Shown("SASL authentication succeeded"), Shown("You are now logged in as alice"));
        await irssi.TypeLineAsync("/window 2");
        await irssi.WaitForAsync(IrssiJoined("alice"));

        // weechat: the server buffer (1) stays in front until the test switches to #dev.
        var weechatHome = Path.Combine(home, "weechat");
        IrcClientConfigs.WriteWeechat(weechatHome, irc, "bob", ProtocolSteps.Password, Channel);
        var weechat = await terminals.StartAsync("weechat", 100, 40, Home(home, "weechat"), "weechat", "-d", weechatHome);
        var weechatServer = await weechat.WaitForAsync(Shown("SASL authentication successful"), Shown("You are now logged in as bob"));
        await weechat.WaitForAsync(WeechatBufferListed(Channel));
        await weechat.TypeLineAsync($"/buffer {Channel}");
        await weechat.WaitForAsync(WeechatJoined("bob"));
        await irssi.WaitForAsync(IrssiJoined("bob"));

        // The terminal client, logged in to carol's account, joins dev as a person would: /join.
        var tui = await terminals.StartAsync(
            "tui", 120, 32, Home(home, "tui"),
            "dotnet", TerminalClientPath(), "-s", $"127.0.0.1:{server.Port}", "-u", "carol", "--password", ProtocolSteps.Password, "--no-bell");
        await tui.WaitForAsync(Shown("Connected to 127.0.0.1:"));
        await tui.TypeLineAsync($"/join {Room}");
        await tui.WaitForAsync(Shown($"you joined {Room}"));
        await irssi.WaitForAsync(IrssiJoined("carol"));
        await weechat.WaitForAsync(WeechatJoined("carol"));

        var dave = await chromium.OpenAsync(server);
        await dave.RegisterAsync("dave");
        await dave.SendAsync($"/join {Room}");
        await Expect(dave.Page.Locator("#conv-title")).ToHaveTextAsync(Channel);
        await irssi.WaitForAsync(IrssiJoined("dave"));
        await weechat.WaitForAsync(WeechatJoined("dave"));
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await Expect(dave.Page.Locator("#people-list")).ToContainTextAsync(user);
        }

        // Each speaks once everyone shows the line before: the server's order is the order written here.
        var said = new List<(string User, string Text)>();
        foreach (var (user, client, text) in Conversation)
        {
            switch (client)
            {
                case "irssi": await irssi.TypeLineAsync(text); break;
                case "weechat": await weechat.TypeLineAsync(text); break;
                case "tui": await tui.TypeLineAsync(text); break;
                default: await dave.SendAsync(text); break;
            }

            said.Add((user, text));
            await irssi.WaitForAsync([.. said.Select(s => IrssiLine(s.User, s.Text))]);
            await weechat.WaitForAsync([.. said.Select(s => WeechatLine(s.User, s.Text))]);
            await tui.WaitForAsync([.. said.Select(s => TuiLine(s.User, s.Text))]);
            await ExpectBrowserShowsAsync(dave, said);
        }

        // The whole conversation, in order, on every screen at the end (nothing scrolled away or drawn twice); irssi
        // calls #dev synced once the door has answered its queries (MODE #dev, WHO #dev with WHOX, MODE #dev b), which
        // its command queue spaces out (cmdspeed in IrcClientConfigs).
        var screens = new Screens(
            IrssiStatus: irssiStatus,
            Irssi: await irssi.WaitForAsync(InOrder(said, IrssiLine), IrssiSynced),
            WeechatServer: weechatServer,
            Weechat: await weechat.WaitForAsync(InOrder(said, WeechatLine)),
            Tui: await tui.WaitForAsync(InOrder(said, TuiLine)),
            Browser: await dave.Page.ScreenshotAsync());
        var shownInBrowser = await dave.ShownTextsAsync();
        Assert.Equal(said.Select(s => s.Text), shownInBrowser);
        await SaveAsync(screens);
    }

    private static async Task RegisterOverRestAsync(TestServer server, string user)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var response = await http.PostAsJsonAsync("/api/register", new { user, password = ProtocolSteps.Password });
        Assert.True(response.IsSuccessStatusCode, $"registering {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task ExpectBrowserShowsAsync(ChatPage page, List<(string User, string Text)> said)
    {
        foreach (var (user, text) in said)
        {
            var message = page.Page.Locator("#messages .msg").Filter(new() { Has = page.Page.Locator(".msg-text", new() { HasTextString = text }) });
            await Expect(message).ToHaveCountAsync(1);
            await Expect(message.Locator(".msg-sender")).ToHaveTextAsync(user);
        }
    }

    /// <summary>
    /// The terminal client in its own build output (same configuration and framework as these tests): beside the tests
    /// it would load their framework's assemblies instead of its own.
    /// </summary>
    private static string TerminalClientPath()
    {
        var binaries = new DirectoryInfo(AppContext.BaseDirectory);
        var (framework, configuration) = (binaries.Name, binaries.Parent!.Name);
        var root = binaries;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Piazza.slnx")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? "", "src", "Piazza.Tui", "bin", configuration, framework, "piazza.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"the terminal client is not built at {path}: build Piazza.slnx first");
    }

    /// <summary>A fresh HOME per client, so nothing reads or writes the real user's files.</summary>
    private static Dictionary<string, string> Home(string home, string client)
    {
        var folder = Path.Combine(home, client + "-home");
        Directory.CreateDirectory(folder);
        return new() { ["HOME"] = folder };
    }

    private static Regex Shown(string text) => new(Regex.Escape(text));

    // The clients' own formats (default themes): irssi "< alice> text", weechat "alice | text", the terminal client
    // "<alice> text"; a nick may carry a mode prefix. Every mask is nick!nick@piazza (docs/irc.md).
    private static readonly Regex IrssiSynced = new($@"Irssi: Join to {Channel} was synced in \d+ secs");

    private static Regex IrssiLine(string user, string text) => new($@"<\s?[~&@%+]?{user}> {Regex.Escape(text)}");

    private static Regex WeechatLine(string user, string text) => new($@"[~&@%+]?{user} \| {Regex.Escape(text)}");

    private static Regex TuiLine(string user, string text) => new($@"<{user}> {Regex.Escape(text)}");

    // With extended-join, weechat adds the account and real name: "bob [bob] (bob) (bob@piazza) has joined #dev".
    private static Regex IrssiJoined(string user) => new($@"-!- {user} \[{user}@piazza\] has joined {Channel}");

    private static Regex WeechatJoined(string user) => new($@"\| {user} (\[{user}\] )?(\(.*\) )?\({user}@piazza\) has joined {Channel}");

    // buflist, the left column: "2.  #dev" (or "   #dev" under a merged number).
    private static Regex WeechatBufferListed(string channel) => new($@"^\s*(\d+\.)?\s+{Regex.Escape(channel)}\s*│", RegexOptions.Multiline);

    private static Regex InOrder(List<(string User, string Text)> said, Func<string, string, Regex> line)
        => new(string.Join(@"[\s\S]*", said.Select(s => line(s.User, s.Text).ToString())));
}
