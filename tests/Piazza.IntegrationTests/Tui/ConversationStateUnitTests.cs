using Piazza.Client;
using Piazza.Protocol;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Per-conversation state without views: rooms and private conversations, history, unread counts.</summary>
public sealed class ConversationStateUnitTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    private static ChatState Welcomed(params string[] rooms)
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", rooms, online: ["alice"]));
        return state;
    }

    private static MessageReceived Message(string room, long seq, string from = "bob", string? to = null) => ChatEvents.Message(room, seq, from, to);

    private static ChatMessage Stored(string room, long seq) => ChatEvents.Stored(room, seq);

    [Fact]
    public void Welcome_lists_the_rooms_and_shows_the_lobby()
    {
        var state = Welcomed("lobby", "dev");

        Assert.Equal(["lobby", "dev"], state.Conversations.Select(c => c.Id));
        Assert.Equal("lobby", state.Current.Id);
        Assert.Contains(state.Lines, l => l.Text.StartsWith("connected as alice", StringComparison.Ordinal));
    }

    [Fact]
    public void Room_frame_sets_topic_and_users_and_presence_updates_that_room_only()
    {
        var state = Welcomed("lobby", "dev");
        state.Apply(ChatEvents.Room("dev", "Ship it", "bob", "bob", "alice"));
        state.Apply(new MemberJoined("dev", "carol", null));
        state.Apply(ChatEvents.Left("dev", "bob", LeaveReason.Left));

        var dev = state.Find("DEV")!;
        Assert.Equal("Ship it", dev.Topic);
        Assert.Equal(["alice", "carol"], dev.Users);
        Assert.Equal(["carol joined", "bob left (left)"], dev.Lines.Select(l => l.Text));
        Assert.DoesNotContain(state.Find("lobby")!.Lines, l => l.Text.Contains("carol", StringComparison.Ordinal));

        state.Apply(new TopicChanged("dev", "Freeze", "carol", null, null));
        Assert.Equal("Freeze", dev.Topic);
        Assert.Equal("carol set the topic: Freeze", dev.Lines[^1].Text);
    }

    [Fact]
    public void History_fills_in_seq_order_and_repeats_are_dropped()
    {
        var state = Welcomed("lobby", "dev");
        state.ApplyAll(ChatEvents.History("dev", Stored("dev", 3), Stored("dev", 2), Stored("dev", 4)));
        state.Apply(Message("dev", 4));
        state.Apply(Message("dev", 5));

        var dev = state.Find("dev")!;
        Assert.Equal([2L, 3, 4, 5], dev.Lines.Select(l => l.Seq!.Value));
        Assert.Equal(2, dev.OldestSeq);
        Assert.True(dev.HasOlder);
        Assert.Equal(1, dev.Unread); // history is not unread; the live message is
    }

    [Fact]
    public void Older_history_is_prepended_and_an_empty_answer_or_seq_1_ends_scrollback()
    {
        var state = Welcomed("lobby");
        var replaced = 0;
        state.LinesReplaced += _ => replaced++;
        state.ApplyAll(ChatEvents.History("lobby", Stored("lobby", 51), Stored("lobby", 52)));
        var lobby = state.Current;
        lobby.LoadingOlder = true;

        state.AddHistory("lobby", [Stored("lobby", 49), Stored("lobby", 50)]);

        Assert.Equal([49L, 50, 51, 52], lobby.Lines.Where(l => l.Seq is not null).Select(l => l.Seq!.Value));
        Assert.Equal(49L, lobby.Lines[0].Seq); // before the welcome notice too: it is older
        Assert.False(lobby.LoadingOlder);
        Assert.True(lobby.HasOlder);
        Assert.Equal(1, replaced);

        state.AddHistory("lobby", []);
        Assert.False(lobby.HasOlder);

        var fresh = Welcomed("lobby");
        fresh.AddHistory("lobby", [Stored("lobby", 1)]);
        Assert.False(fresh.Current.HasOlder);
    }

    [Fact]
    public void Unread_counts_grow_in_other_conversations_and_clear_on_switch()
    {
        var state = Welcomed("lobby", "dev");
        var dev = state.Find("dev")!;
        state.Apply(Message("dev", 1));
        state.Apply(Message("dev", 2));
        state.Apply(Message("dev", 3, from: "alice")); // our own messages are not unread
        state.Apply(Message("lobby", 1)); // the shown conversation is read

        Assert.Equal(2, dev.Unread);
        Assert.Equal("dev (2)", dev.ListLabel);
        Assert.Equal(0, state.Current.Unread);

        state.SwitchTo(dev);
        Assert.Equal(0, dev.Unread);
        Assert.Equal("dev", dev.ListLabel);
    }

    [Fact]
    public void Private_messages_open_a_conversation_named_after_the_other_user()
    {
        var state = Welcomed("lobby");
        state.Apply(Message("@alice,bob", 1, from: "Bob", to: "alice"));
        state.Apply(Message("@alice,~carol", 1, from: "alice", to: "carol"));

        Assert.Equal(["lobby", "@alice,bob", "@alice,~carol"], state.Conversations.Select(c => c.Id));
        Assert.Equal("@Bob (1)", state.Conversations[1].ListLabel);
        Assert.Equal("@carol", state.Conversations[2].ListLabel);
        Assert.Same(state.Conversations[1], state.FindPrivate("bob"));

        // A room joined later is listed before the private conversations.
        state.Apply(ChatEvents.Room("dev"));
        Assert.Equal(["lobby", "dev", "@alice,bob", "@alice,~carol"], state.Conversations.Select(c => c.Id));

        // History of a private conversation entered at login names the peer from the id until a message says better.
        var other = Welcomed("lobby");
        other.ApplyAll(ChatEvents.History("@alice,dave"));
        Assert.Equal("@dave", other.Conversations[1].DisplayName);
    }

    [Fact]
    public void Switching_by_step_wraps_and_leaving_the_shown_room_shows_the_lobby()
    {
        var state = Welcomed("lobby", "dev", "ops");
        state.SwitchBy(-1);
        Assert.Equal("ops", state.Current.Id);
        state.SwitchBy(1);
        Assert.Equal("lobby", state.Current.Id);
        state.SwitchBy(1);
        Assert.Equal("dev", state.Current.Id);

        // Leaving on another device arrives as our own left with reason "left".
        state.Apply(ChatEvents.Left("dev", "alice", LeaveReason.Left));
        Assert.Equal(["lobby", "ops"], state.Conversations.Select(c => c.Id));
        Assert.Equal("lobby", state.Current.Id);
    }

    [Fact]
    public void Plain_lines_name_the_conversation_when_asked()
    {
        var line = new ChatLine(Noon, ChatLineKind.Message, "bob", "hi");
        Assert.Equal("12:00:00 [@bob] <bob> hi", line.ToPlainString("@bob"));
        Assert.Equal("12:00:00 <bob> hi", line.ToPlainString());
        Assert.Equal("12:00:00 [dev] * bob joined", new ChatLine(Noon, ChatLineKind.Joined, "bob", "bob joined").ToPlainString("dev"));
    }
}
