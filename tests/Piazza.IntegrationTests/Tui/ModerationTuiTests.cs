using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Moderation in the terminal client: commands parsed, sent and their events shown.</summary>
[Collection(TuiCollection.Name)]
public sealed class ModerationTuiTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    [Theory]
    [InlineData("/kick bob too loud", "Kick", "bob", false, null, "too loud")]
    [InlineData("/ban @bob 2h spam again", "Ban", "bob", false, 7200d, "spam again")]
    [InlineData("/ban bob spam", "Ban", "bob", false, null, "spam")]
    [InlineData("/gban 203.0.113.9 7d", "Ban", "203.0.113.9", true, 604800d, null)]
    [InlineData("/mute carol 30s", "Mute", "carol", false, 30d, null)]
    [InlineData("/op dave", "Op", "dave", false, null, null)]
    [InlineData("/gunban bob", "Unban", "bob", true, null, null)]
    public void Moderation_commands_parse_to_requests(string line, string action, string target, bool serverWide, double? seconds, string? reason)
        => Assert.Equal(new ChatCommand.Moderate(Enum.Parse<ModerationAction>(action), target, serverWide, seconds is { } s ? TimeSpan.FromSeconds(s) : null, reason), ChatCommand.Parse(line));

    [Fact]
    public void Moderation_commands_without_a_target_show_their_usage_and_an_address_is_sent_as_one()
    {
        Assert.Equal(new ChatCommand.Usage("/kick USER [REASON]"), ChatCommand.Parse("/kick"));
        Assert.Equal(new ChatCommand.Usage("/op USER"), ChatCommand.Parse("/op dave now"));
        Assert.Equal(new ChatCommand.Delete(null), ChatCommand.Parse("/delete"));
        Assert.Equal(new ChatCommand.Lock(false), ChatCommand.Parse("/unlock"));
        Assert.True(new ChatCommand.Moderate(ModerationAction.Ban, "::1", true, null, null).TargetIsAddress);
        Assert.False(new ChatCommand.Moderate(ModerationAction.Ban, "bob", true, null, null).TargetIsAddress);
        Assert.False(new ChatCommand.Moderate(ModerationAction.Ban, "::1", false, null, null).TargetIsAddress); // in a room it is a user name
    }

    [Fact]
    public void Deleted_messages_kicks_and_roles_are_shown_clearly()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", ["lobby"]));
        state.ApplyAll(ChatEvents.History(
            "lobby",
            ChatEvents.Stored("lobby", 1, text: "") with { Deleted = true },
            ChatEvents.Stored("lobby", 2, text: "secret")));
        state.Apply(new MessageDeleted("lobby", 2, "m2", "carol", null));
        state.Apply(new RoleChanged("lobby", "alice", Moderator: true, "carol", null));
        state.Apply(ChatEvents.Left("lobby", "bob", LeaveReason.Kicked, by: "alice", message: "spam"));

        var texts = state.Lines.Select(l => l.Text).ToList();
        Assert.Contains("(message deleted)", texts);
        Assert.Contains("(message deleted by carol)", texts);
        Assert.DoesNotContain("secret", texts);
        Assert.Contains("carol made alice a moderator", texts);
        Assert.Contains("bob was kicked from lobby by alice: spam", texts);
        Assert.True(state.CanModerate(state.Current));
    }

    [Fact]
    public void A_deletion_that_overtakes_its_message_still_applies()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", ["lobby"]));
        state.Apply(new MessageDeleted("lobby", 7, "m7", "bob", null));
        state.ApplyAll(ChatEvents.History("lobby", ChatEvents.Stored("lobby", 7, text: "regret")));

        var line = state.Lines.Single(l => l.Seq == 7);
        Assert.Equal(("(message deleted by bob)", true), (line.Text, line.Deleted));
    }

    [Fact]
    public async Task The_owner_deletes_and_kicks_from_the_window_and_sees_the_events()
    {
        await using var server = await TestServer.StartAsync();
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        var (bob, _) = await RegisterAsync(server.Port, "bob");
        await using var bobClient = bob;

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
            ui.Type("/join dev");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("Users (1)", StringComparison.Ordinal), "alice in dev");
            await JoinRoomAsync(bob, "dev");
            await SendOkAsync(bob, "dev", "oops typo", "b1");
            await SendOkAsync(bob, "dev", "buy cheap stuff", "b2");
            ui.PumpUntil(() => ui.Screen.Contains("<bob> buy cheap stuff", StringComparison.Ordinal), "bob's messages");

            // Bob deletes his own; the window applies the event.
            var first = (await client.HistoryAsync("dev")).First(m => m.Text == "oops typo");
            AssertOk(await RequestAsync(bob, new { type = "delete", msg = first.Id, id = "d" }, "d"));
            ui.PumpUntil(() => ui.Screen.Contains("<bob> (message deleted by bob)", StringComparison.Ordinal) && !ui.Screen.Contains("oops typo", StringComparison.Ordinal), "bob's own deletion");

            // The owner deletes bob's latest message (checked before /help, whose long text scrolls it away), then kicks him.
            ui.Type("/delete bob");
            ui.App.InjectKey(Key.Enter);
            var deleted = await bob.ReadUntilAsync(f => f.Type() == "deleted");
            Assert.Equal("alice", deleted.Str("by"));
            ui.PumpUntil(() => ui.Screen.Contains("(message deleted by alice)", StringComparison.Ordinal) && !ui.Screen.Contains("cheap stuff", StringComparison.Ordinal), "the owner's deletion");

            ui.Type("/help");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("Moderation: /kick", StringComparison.Ordinal), "moderation help for the owner");

            ui.Type("/kick bob stop it");
            ui.App.InjectKey(Key.Enter);
            var left = await bob.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == "bob");
            Assert.Equal(("kicked", "stop it", "alice"), (left.Str("reason"), left.Str("message"), left.Str("by")));
            ui.PumpUntil(() => ui.Screen.Contains("bob was kicked from dev by alice: stop it", StringComparison.Ordinal), "the kick line");
        }
        finally
        {
            ui.App.End(session);
        }
    }
}
