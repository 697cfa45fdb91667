using Piazza.Client;
using Piazza.Protocol;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The view-free chat logic: frames to lines and users, command parsing, line formats.</summary>
public sealed class ChatStateUnitTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    [Fact]
    public void Welcome_joined_left_and_messages_update_lines_and_users()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", online: ["bob", "alice"]));
        state.Apply(new MemberJoined("lobby", "Carol", null));
        state.Apply(ChatEvents.Message("lobby", 1, "bob", text: "hi 👋"));
        state.Apply(ChatEvents.Message("lobby", 2, "alice", text: "hello"));
        state.Apply(ChatEvents.Left("lobby", "bob", LeaveReason.Lost));

        Assert.Equal(["alice", "Carol"], state.Users);
        Assert.Equal(
            ["12:00 * connected as alice · 2 people online · /help for commands", "12:00 * Carol joined", "12:00   <bob> hi 👋", "12:00 » <alice> hello", "12:00 * bob left (lost)"],
            state.Lines.Select(l => l.ToString()));
        Assert.Equal(ChatLineKind.OwnMessage, state.Lines[3].Kind);
        Assert.True(state.Lines[4].IsNotice);
    }

    [Fact]
    public void Server_timestamps_are_shown_in_local_time()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(new MessageReceived(new ChatMessage("lobby", 1, "m1", "bob", null, "x", DateTimeOffset.Parse("2026-11-24T10:05:07.123Z", System.Globalization.CultureInfo.InvariantCulture)), Replayed: false));

        var expected = new DateTimeOffset(2026, 11, 24, 10, 5, 7, 123, TimeSpan.Zero).LocalDateTime;
        Assert.Equal(expected, state.Lines[0].Time);
        Assert.Equal(expected.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " <bob> x", state.Lines[0].ToPlainString());
    }

    [Fact]
    public void Old_lines_are_dropped_beyond_the_limit()
    {
        var state = new ChatState(maxLines: 2, now: () => Noon);
        var added = new List<string>();
        state.LineAdded += (_, line, _) => added.Add(line.Text);
        for (var i = 0; i < 3; i++)
        {
            state.AddSystem("n" + i);
        }

        Assert.Equal(["n1", "n2"], state.Lines.Select(l => l.Text));
        Assert.Equal(["n0", "n1", "n2"], added);
    }

    [Theory]
    [InlineData("hello", "Send:hello")]
    [InlineData("  ", "None")]
    [InlineData("/quit", "Quit")]
    [InlineData("/QUIT now", "Quit")]
    [InlineData("/who", "Who")]
    [InlineData("/help", "Help")]
    [InlineData("//who", "Send:/who")]
    [InlineData("/nope x", "Unknown:/nope")]
    [InlineData("/join #dev", "Join:dev")]
    [InlineData("/join", "Usage:/join ROOM")]
    [InlineData("/leave", "Leave:")]
    [InlineData("/leave dev", "Leave:dev")]
    [InlineData("/rooms", "Rooms")]
    [InlineData("/rooms More", "Rooms:more")]
    [InlineData("/rooms all", "Usage:/rooms [more]")]
    [InlineData("/topic  Ship it  ", "Topic:Ship it")]
    [InlineData("/msg bob hi there", "Msg:bob:hi there")]
    [InlineData("/msg @bob", "Open:bob")]
    [InlineData("/msg", "Usage:/msg USER|USER,USER…|#ROOM [TEXT]")]
    [InlineData("/password old newpassword", "Password:old:newpassword")]
    [InlineData("/password old", "Usage:/password OLD NEW")]
    public void Commands_are_parsed(string input, string expected)
    {
        var actual = ChatCommand.Parse(input) switch
        {
            ChatCommand.Send s => "Send:" + s.Text,
            ChatCommand.Unknown u => "Unknown:" + u.Name,
            ChatCommand.Join j => "Join:" + j.Room,
            ChatCommand.Leave l => "Leave:" + l.Room,
            ChatCommand.Topic t => "Topic:" + t.Text,
            ChatCommand.Msg m => $"Msg:{m.User}:{m.Text}",
            ChatCommand.Open o => "Open:" + o.User,
            ChatCommand.Password p => $"Password:{p.Current}:{p.Next}",
            ChatCommand.Usage u => "Usage:" + u.Syntax,
            ChatCommand.Rooms { More: true } => "Rooms:more",
            var other => other.GetType().Name,
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Long_lines_wrap_at_spaces_under_the_text_column()
    {
        var rows = LineWrapper.Wrap("12:00   <bob> the quick brown fox jumps over the lazy dog", 30, ChatLine.TextColumn);

        Assert.Equal(["12:00   <bob> the quick brown", "        fox jumps over the", "        lazy dog"], rows);
        Assert.All(rows, r => Assert.True(r.Length <= 30));
    }

    [Fact]
    public void Wide_characters_count_two_columns_and_long_words_break_hard()
    {
        var emoji = LineWrapper.Wrap("12:00   <bob> 🎉🎉🎉🎉🎉🎉🎉🎉", 20, ChatLine.TextColumn);
        Assert.Equal(["12:00   <bob>", "        🎉🎉🎉🎉🎉🎉", "        🎉🎉"], emoji);

        var word = LineWrapper.Wrap("12:00   <bob> " + new string('x', 30), 20, ChatLine.TextColumn);
        Assert.Equal(["12:00   <bob>", "        xxxxxxxxxxxx", "        xxxxxxxxxxxx", "        xxxxxx"], word);
    }
}
