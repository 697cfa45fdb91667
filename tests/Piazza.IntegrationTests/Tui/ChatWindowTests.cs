using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The real chat window, headless, against a real server and a raw protocol client.</summary>
[Collection(TuiCollection.Name)]
public sealed class ChatWindowTests
{
    [Fact]
    public async Task Typed_message_is_sent_and_other_users_messages_and_presence_appear()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
            Assert.Contains("bob", ui.Screen, StringComparison.Ordinal);
            Assert.Contains("alice (you)", ui.Screen, StringComparison.Ordinal);
            Assert.Contains("Connected to 127.0.0.1", ui.Screen, StringComparison.Ordinal);

            ui.Type("hello from the tui");
            ui.App.InjectKey(Key.Enter);

            var sent = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
            Assert.Equal("hello from the tui", sent.Str("text"));
            ui.PumpUntil(() => ui.Screen.Contains("» <alice> hello from the tui", StringComparison.Ordinal), "own message echoed with the own marker");
            Assert.Equal("", chat.InputText);

            await bob.SendAsync(new { type = "send", id = "b1", room = "lobby", text = "hi alice 👋 ünïcödé" });
            ui.PumpUntil(() => ui.Screen.Contains("<bob> hi alice 👋 ünïcödé", StringComparison.Ordinal), "bob's message on screen");

            var (carol, _) = await RawClient.JoinAsync(server.Port, "carol");
            await using (carol)
            {
                ui.PumpUntil(() => ui.Screen.Contains("* carol joined", StringComparison.Ordinal) && ui.Screen.Contains("Users (3)", StringComparison.Ordinal), "carol's join");
            }

            ui.PumpUntil(() => ui.Screen.Contains("* carol left (", StringComparison.Ordinal) && ui.Screen.Contains("Users (2)", StringComparison.Ordinal), "carol's leave");

            ui.Type("/who");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("users (2): alice, bob", StringComparison.Ordinal), "the /who answer");
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task Message_list_follows_new_lines_until_the_user_scrolls_up()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();

        using var ui = new HeadlessUi(width: 80, height: 16);
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            for (var i = 1; i <= 30; i++)
            {
                await bob.SendAsync(new { type = "send", id = "b" + i, room = "lobby", text = $"line {i:00}" });
            }

            ui.PumpUntil(() => ui.Screen.Contains("<bob> line 30", StringComparison.Ordinal), "the newest line, scrolled into view");
            Assert.DoesNotContain("<bob> line 01", ui.Screen, StringComparison.Ordinal);

            chat.ScrollMessages(-100);
            ui.PumpUntil(() => ui.Screen.Contains("<bob> line 01", StringComparison.Ordinal), "the oldest line after scrolling up");
            await bob.SendAsync(new { type = "send", id = "b31", room = "lobby", text = "line 31" });
            ui.PumpUntil(() => chat.State.Lines.Any(l => l.Text == "line 31"), "line 31 received");
            Assert.Contains("<bob> line 01", ui.Screen, StringComparison.Ordinal);
            Assert.DoesNotContain("<bob> line 31", ui.Screen, StringComparison.Ordinal);
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task Being_kicked_ends_the_window_with_the_reason_for_the_login_screen()
    {
        await using var server = await TestServer.StartAsync();
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
            Assert.True(await server.Hub.KickAsync("alice", "testing"));

            ui.PumpUntil(() => chat.LostReason is not null, "the window to give up");
            // The kick names who did it and why, as a server-wide one (not "from lobby"); the console kicks as "operator".
            Assert.Single(chat.State.Lines, l => l.Text == "you were kicked from the server by operator: testing");
            Assert.DoesNotContain(chat.State.Lines, l => l.Text.Contains("from lobby", StringComparison.Ordinal));
            Assert.Equal("○ Disconnected: kicked from the server by operator: testing", chat.StatusText);
            Assert.Equal("You were kicked from the server by operator: testing. Press Enter to log in again.", chat.LostNotice);
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task Connection_ending_for_good_ends_the_window_with_the_reason_for_the_login_screen()
    {
        var server = await TestServer.StartAsync();
        try
        {
            var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
            await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: false));
            await client.ConnectAsync();

            using var ui = new HeadlessUi();
            using var chat = new ChatWindow(ui.App, client, settings);
            var session = ui.Begin(chat);
            try
            {
                ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
                await server.StopAsync();

                ui.PumpUntil(() => chat.LostReason is not null, "the window to give up");
                Assert.Contains("server: ", ui.Screen, StringComparison.Ordinal);
                Assert.Contains("○ Disconnected", ui.Screen, StringComparison.Ordinal);
            }
            finally
            {
                ui.App.End(session);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
