using Piazza.Client;
using Piazza.Protocol;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The chat state's side of the connection: removals from the server, pending sends, the welcome line.</summary>
public sealed class ConnectionStateUnitTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    [Fact]
    public void A_kick_from_the_server_is_said_as_one_not_as_a_kick_from_each_room()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("bob", ["lobby", "dev"]));
        state.Apply(new KickedFromServer("alice", "spam", null));
        state.Apply(ChatEvents.Left("lobby", "bob", LeaveReason.Kicked, by: "alice", message: "spam"));
        state.Apply(ChatEvents.Left("dev", "bob", LeaveReason.Kicked, by: "alice", message: "spam"));

        Assert.Equal("you were kicked from the server by alice: spam", state.RemovedFromServer);
        var all = state.Conversations.SelectMany(c => c.Lines).Select(l => l.Text).ToList();
        Assert.DoesNotContain(all, t => t.Contains("from lobby", StringComparison.Ordinal) || t.Contains("from dev", StringComparison.Ordinal));
        Assert.Single(state.Find("lobby")!.Lines, l => l.Text == "you were kicked from the server by alice: spam");
        Assert.Single(state.Find("dev")!.Lines, l => l.Text == "you were kicked from the server by alice: spam");
    }

    [Fact]
    public void A_ban_from_the_server_says_who_and_why_and_a_kick_from_a_room_names_the_room()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("bob", ["lobby", "dev"]));
        state.Apply(new RoomEntered("dev", null, "alice", [new Member("alice", null), new Member("bob", null)], [], false));
        Assert.Equal(2, state.Find("dev")!.Users.Count);
        state.Apply(ChatEvents.Left("dev", "bob", LeaveReason.Kicked, by: "alice", message: "off topic"));
        Assert.Null(state.RemovedFromServer);
        Assert.Contains(state.Find("dev")!.Lines, l => l.Text == "you were kicked from dev by alice: off topic");
        Assert.Empty(state.Find("dev")!.Users); // out of the room: its people are no longer known

        state.Apply(new BannedByModerator(null, "root", "spam", null, null));
        Assert.Equal("you were banned from the server by root: spam", state.RemovedFromServer);
    }

    [Fact]
    public void Others_see_a_server_wide_kick_as_one_from_the_server_and_a_room_kick_as_one_from_the_room()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", ["lobby", "dev"]));
        state.Apply(ChatEvents.Left("lobby", "bob", LeaveReason.Kicked, by: "root", message: "spam") with { ServerWide = true });
        state.Apply(ChatEvents.Left("dev", "carol", LeaveReason.Kicked, by: "root", message: "off topic"));

        Assert.Contains(state.Find("lobby")!.Lines, l => l.Text == "bob was kicked from the server by root: spam");
        Assert.Contains(state.Find("dev")!.Lines, l => l.Text == "carol was kicked from dev by root: off topic");
    }

    [Fact]
    public void Leaving_the_shown_room_shows_the_lobby_before_listeners_hear_the_list_changed()
    {
        // The window selects the current conversation's row when the list changes: a removed current one was -1, a crash.
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("bob", ["lobby", "dev"]));
        state.SwitchTo(state.Find("dev")!);
        var currentListed = new List<bool>();
        state.ConversationsChanged += () => currentListed.Add(state.Conversations.Contains(state.Current));

        state.Remove("dev");

        Assert.Equal("lobby", state.Current.Id);
        Assert.NotEmpty(currentListed);
        Assert.All(currentListed, Assert.True);
    }

    [Fact]
    public void The_welcome_line_says_how_many_people_are_online()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", online: ["bob", "carol", "alice"]));

        Assert.Equal("connected as alice · 3 people online · /help for commands", state.Lines[0].Text);
    }

    [Fact]
    public void A_send_while_disconnected_is_pending_until_its_echo_takes_its_place()
    {
        var state = new ChatState(now: () => Noon) { ShowsPendingSends = true };
        state.Apply(ChatEvents.Welcome("alice", ["lobby"]));
        state.Apply(new ConnectionStateChanged(ConnectionState.Connected, null));
        Assert.Null(state.AddPending(state.Current, "connected: no pending line"));

        state.Apply(new ConnectionStateChanged(ConnectionState.Reconnecting, "connection lost"));
        var first = state.AddPending(state.Current, "one");
        var second = state.AddPending(state.Current, "two");
        Assert.Equal(["one" + ChatState.PendingMarker, "two" + ChatState.PendingMarker], state.Lines.Where(l => l.Pending).Select(l => l.Text));

        state.Apply(ChatEvents.Message("lobby", 4, "bob", text: "missed while away"));
        state.Apply(ChatEvents.Message("lobby", 5, "alice", text: "one"));
        state.ConfirmPending(first, new SentMessage("lobby", 5, "m5", Duplicate: false));
        state.ConfirmPending(second, new SentMessage("lobby", 6, "m6", Duplicate: false)); // acknowledged before its echo
        state.Apply(ChatEvents.Message("lobby", 6, "alice", text: "two"));
        state.SettlePending(first);
        state.SettlePending(second);

        var messages = state.Lines.Where(l => l.Seq is not null).Select(l => (l.Seq, l.Text, l.Pending)).ToList();
        Assert.Equal([(4L, "missed while away", false), (5L, "one", false), (6L, "two", false)], messages.Select(m => ((long)m.Seq!, m.Text, m.Pending)));
        Assert.DoesNotContain(state.Lines, l => l.Pending);
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void A_pending_send_that_fails_leaves_no_pending_line()
    {
        var state = new ChatState(now: () => Noon) { ShowsPendingSends = true };
        state.Apply(ChatEvents.Welcome("alice", ["lobby"]));
        state.Apply(new ConnectionStateChanged(ConnectionState.Reconnecting, "connection lost"));
        var pending = state.AddPending(state.Current, "lost cause");

        state.SettlePending(pending);

        Assert.DoesNotContain(state.Lines, l => l.Pending || l.Text.StartsWith("lost cause", StringComparison.Ordinal));
    }

    [Fact]
    public void Losing_the_connection_says_so_once_however_many_attempts_fail()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", ["lobby"]));
        state.Apply(new ConnectionStateChanged(ConnectionState.Connected, null));
        var at = new DateTimeOffset(2026, 11, 24, 12, 0, 5, TimeSpan.Zero);
        state.Apply(new ConnectionStateChanged(ConnectionState.Reconnecting, "the server closed the connection") { NextAttemptAt = at });
        state.Apply(new ConnectionStateChanged(ConnectionState.Reconnecting, "attempt 1 failed: refused") { NextAttemptAt = at.AddSeconds(1) });

        Assert.Single(state.Lines, l => l.Text.StartsWith("connection lost:", StringComparison.Ordinal));
        Assert.Equal(at.AddSeconds(1), state.NextAttemptAt);
    }
}
