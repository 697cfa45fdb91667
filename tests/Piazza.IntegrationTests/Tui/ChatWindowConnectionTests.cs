using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The chat window while the connection comes and goes: countdown, retrying at once, pending sends, removals.</summary>
[Collection(TuiCollection.Name)]
public sealed class ChatWindowConnectionTests
{
    [Fact]
    public async Task While_reconnecting_the_status_counts_down_Enter_retries_and_a_typed_message_is_pending_then_shown_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var server = await TestServer.StartAsync();
        var port = server.Port;
        var settings = new ConnectSettings("127.0.0.1", port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true) with
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            MaxBackoff = TimeSpan.FromSeconds(10),
            TimeProvider = clock,
        });
        await client.ConnectAsync();

        using var ui = new HeadlessUi(width: 120);
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        TestServer? restarted = null;
        try
        {
            ui.PumpUntil(() => chat.StatusText.Contains(" · 1 online · /help", StringComparison.Ordinal), "who is online");
            await server.DisposeAsync();
            ui.PumpUntil(() => chat.StatusText.Contains(" s · Enter retries now", StringComparison.Ordinal), "the countdown");
            var before = Seconds(chat.StatusText);
            clock.Advance(TimeSpan.FromSeconds(3));
            ui.PumpUntil(() => Seconds(chat.StatusText) <= before - 3, "the countdown to go down with the clock");

            // Typed while the server is down: shown at once as pending; Enter also tries to reconnect (and fails).
            ui.Type("typed while away");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("» <alice> typed while away  … sending", StringComparison.Ordinal), "the pending line");
            ui.PumpUntil(() => chat.StatusText.Contains("attempt 1 failed", StringComparison.Ordinal), "the failed attempt Enter started");

            restarted = await TestServer.StartAsync(("Port", port.ToString(CultureInfo.InvariantCulture)));
            ui.App.InjectKey(Key.Enter); // empty: retry now
            ui.PumpUntil(() => chat.StatusText.StartsWith("● Connected", StringComparison.Ordinal), "the reconnect Enter started");
            ui.PumpUntil(() => chat.State.PendingCount == 0 && chat.State.Lines.Any(l => l.Text == "typed while away" && l.Seq == 1), "the message confirmed");

            Assert.Single(chat.State.Lines, l => l.Text.StartsWith("typed while away", StringComparison.Ordinal));
            Assert.DoesNotContain("sending", ui.Screen, StringComparison.Ordinal);
            Assert.Contains("» <alice> typed while away", ui.Screen, StringComparison.Ordinal);
            Assert.Single(await client.HistoryAsync("lobby"), m => m.Text == "typed while away");
        }
        finally
        {
            ui.App.End(session);
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_kick_from_a_room_keeps_the_window_reconnecting_after_a_server_restart()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = port, User = "alice" });
        await alice.ConnectAsync();
        await alice.JoinAsync("dev");
        var settings = new ConnectSettings("127.0.0.1", port, "bob");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true) with { InitialBackoff = TimeSpan.FromMilliseconds(50) });
        await client.ConnectAsync();
        await client.JoinAsync("dev");

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        TestServer? restarted = null;
        try
        {
            // The welcome first: the UI applies queued events only when it turns (as the other window tests do).
            ui.PumpUntil(() => chat.State.Lines.Any(l => l.Text.StartsWith("connected as bob", StringComparison.Ordinal)), "the welcome line");
            await alice.KickAsync("dev", "bob", "too loud");
            ui.PumpUntil(() => chat.State.Find("dev")?.Lines.Any(l => l.Text == "you were kicked from dev by alice: too loud") == true, "the kick line");

            await server.DisposeAsync();
            restarted = await TestServer.StartAsync(("Port", port.ToString(CultureInfo.InvariantCulture)));
            ui.PumpUntil(() => chat.State.Lines.Any(l => l.Text.StartsWith("reconnected as bob", StringComparison.Ordinal)), "bob reconnected");
            Assert.Null(chat.LostReason);
        }
        finally
        {
            ui.App.End(session);
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    /// <summary>The seconds of "Reconnecting in N s"; int.MaxValue when the status shows none.</summary>
    private static int Seconds(string status)
    {
        var match = System.Text.RegularExpressions.Regex.Match(status, @"Reconnecting in (\d+) s");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : int.MaxValue;
    }
}
