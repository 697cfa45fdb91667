using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The chat window with rooms, private conversations, topics and scrollback, headless, against a real server.</summary>
[Collection(TuiCollection.Name)]
public sealed class ChatWindowRoomsTests
{
    [Fact]
    public async Task Join_creates_and_switches_and_unread_counts_appear_and_clear_on_switch()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice");
        var (ui, window) = chat;

        ui.Type("/join dev");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => window.State.Current.Id == "dev" && ui.Screen.Contains("┤#dev├", StringComparison.Ordinal), "the new room shown");
        Assert.Equal(["lobby", "dev"], window.State.Conversations.Select(c => c.Id));
        Assert.Contains("Topic: (none", ui.Screen, StringComparison.Ordinal);
        Assert.Contains("alice (you)", ui.Screen, StringComparison.Ordinal);

        // Back to the lobby with the keyboard; bob joins dev and talks there.
        ui.App.InjectKey(Key.P.WithCtrl);
        ui.PumpUntil(() => window.State.Current.Id == "lobby", "the lobby after Ctrl+P");
        await bob.SendAsync(new { type = "join", room = "dev", id = "j" });
        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        await bob.SendAsync(new { type = "send", room = "dev", text = "psst, in dev", id = "s1" });
        await bob.SendAsync(new { type = "send", room = "dev", text = "anyone?", id = "s2" });
        ui.PumpUntil(() => ui.Screen.Contains("dev (2)", StringComparison.Ordinal), "the unread count in the room list");
        Assert.DoesNotContain("psst, in dev", ui.Screen, StringComparison.Ordinal);

        ui.App.InjectKey(Key.N.WithCtrl);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> psst, in dev", StringComparison.Ordinal), "dev's messages after Ctrl+N");
        Assert.DoesNotContain("dev (2)", ui.Screen, StringComparison.Ordinal);
        Assert.Contains("bob", UsersColumn(ui.Screen), StringComparison.Ordinal);

        // A click on a room list entry (selection) switches too.
        window.SelectRoomListEntry(0);
        ui.PumpUntil(() => window.State.Current.Id == "lobby", "the lobby after selecting it in the list");

        // Tab into the room list, move down, Enter: dev is shown and the input has the focus again.
        for (var i = 0; i < 6 && !window.RoomListHasFocus; i++)
        {
            ui.App.InjectKey(Key.Tab);
        }

        Assert.True(window.RoomListHasFocus);
        ui.App.InjectKey(Key.CursorDown);
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => window.State.Current.Id == "dev" && !window.RoomListHasFocus, "dev again, chosen from the list");
        Assert.Contains("▸dev", ui.Screen, StringComparison.Ordinal);

        // Typed text goes to the conversation shown.
        ui.Type("reply in dev");
        ui.App.InjectKey(Key.Enter);
        var reply = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("dev", reply.Str("room"));
        Assert.Equal("reply in dev", reply.Str("text"));
    }

    [Fact]
    public async Task Msg_opens_a_private_conversation_that_the_other_user_receives()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice");
        var (ui, window) = chat;

        ui.Type("/msg bob hello in private");
        ui.App.InjectKey(Key.Enter);
        var received = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("hello in private", received.Str("text"));
        Assert.Equal("bob", received.Str("to"));
        ui.PumpUntil(() => window.State.Current.IsPrivate && ui.Screen.Contains("» <alice> hello in private", StringComparison.Ordinal), "the private conversation shown");
        Assert.Contains("@bob", ui.Screen, StringComparison.Ordinal);
        Assert.Contains("Private conversation with bob", ui.Screen, StringComparison.Ordinal);

        // Plain text now goes to bob privately, and his answer appears here.
        ui.Type("second");
        ui.App.InjectKey(Key.Enter);
        var second = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("bob", second.Str("to"));
        await bob.SendAsync(new { type = "send", to = "alice", text = "hi alice, privately", id = "p1" });
        ui.PumpUntil(() => ui.Screen.Contains("<bob> hi alice, privately", StringComparison.Ordinal), "bob's private answer");
    }

    [Fact]
    public async Task Topic_is_shown_above_the_messages_and_follows_changes()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await bob.SendAsync(new { type = "join", room = "dev", id = "j" });
        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        await bob.SendAsync(new { type = "topic", room = "dev", topic = "Release on Friday", id = "t" });
        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "t");
        await using var chat = await ChatAsync(server, "alice");
        var (ui, window) = chat;

        ui.Type("/join dev");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("Topic: Release on Friday", StringComparison.Ordinal), "the topic line");
        Assert.Equal("Topic: Release on Friday", window.TopicText);

        await bob.SendAsync(new { type = "topic", room = "dev", topic = "Frozen 🧊", id = "t2" });
        ui.PumpUntil(() => ui.Screen.Contains("Topic: Frozen 🧊", StringComparison.Ordinal), "the new topic");
        Assert.Contains("bob set the topic: Frozen 🧊", ui.Screen, StringComparison.Ordinal);

        // Only the owner may set it: the refusal is shown.
        ui.Type("/topic mine now");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("/topic failed", StringComparison.Ordinal), "the refusal");

        ui.Type("/rooms");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("dev · 2 present · joined · topic: Frozen 🧊", StringComparison.Ordinal), "the /rooms listing");
    }

    [Fact]
    public async Task Scrolling_to_the_top_loads_older_messages_until_there_are_none()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        for (var i = 1; i <= 120; i++)
        {
            await bob.SendAsync(new { type = "send", room = "lobby", text = $"line {i:000}", id = "b" + i });
        }

        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "b120");
        await using var chat = await ChatAsync(server, "alice");
        var (ui, window) = chat;
        var lobby = window.State.Current;
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 120", StringComparison.Ordinal), "the newest stored message");
        Assert.Equal(71, lobby.OldestSeq); // the last 50 came with the login
        Assert.DoesNotContain("line 070", ui.Screen, StringComparison.Ordinal);

        window.ScrollMessages(-1000);
        ui.PumpUntil(() => lobby.OldestSeq == 21, "50 older messages");
        Assert.Contains("<bob> line 071", ui.Screen, StringComparison.Ordinal); // the view stayed where it was
        Assert.DoesNotContain("<bob> line 070", ui.Screen, StringComparison.Ordinal);
        window.ScrollMessages(-3);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 070", StringComparison.Ordinal), "the older messages just above the view's old top");
        Assert.Equal(21, lobby.OldestSeq);

        window.ScrollMessages(-1000);
        ui.PumpUntil(() => lobby.OldestSeq == 1, "the first messages");
        Assert.Contains("<bob> line 021", ui.Screen, StringComparison.Ordinal);
        window.ScrollMessages(-1000);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 001", StringComparison.Ordinal), "line 1 on screen after scrolling up");
        Assert.False(lobby.HasOlder);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), lobby.Lines.Where(l => l.Seq is not null).Select(l => l.Seq!.Value));
    }

    private static Task<HeadlessChat> ChatAsync(TestServer server, string user)
        => HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, user));

    /// <summary>The users column: the rightmost frame of each screen row.</summary>
    private static string UsersColumn(string screen)
        => string.Join('\n', screen.Split('\n').Select(row => row.Length > 22 ? row[^22..] : row));
}
