using Piazza.Client;
using Piazza.Protocol;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// A busy room in the terminal client's state: coalesced joins and leaves (<see cref="MembersChanged"/>) change the
/// users as a set and show one summary line; the room's count comes from the server when only its first page is listed.
/// </summary>
public sealed class PresenceTuiUnitTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    private static Member M(string name) => new(name, null);

    [Fact]
    public void A_batch_of_joins_lists_each_once_and_shows_one_summary_line_without_ourselves()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", online: ["alice", "bob"]));
        var crowd = Enumerable.Range(0, 12).Select(i => $"g{i:00}").ToList();
        state.Apply(new MembersChanged("lobby", [M("alice"), M("bob"), .. crowd.Select(M)], [], null));

        Assert.Equal(["alice", "bob", .. crowd], state.Users);
        Assert.Equal("g00, g01 and 10 others joined", state.Lines[^1].Text);
        Assert.Equal(ChatLineKind.Joined, state.Lines[^1].Kind);
        Assert.Equal(14, state.Find("lobby")!.UserCount);
    }

    [Fact]
    public void A_batch_applies_leaves_first_and_names_a_few_in_full()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(ChatEvents.Welcome("alice", online: ["alice", "bob", "carol", "dave"]));
        state.Apply(new MembersChanged(
            "lobby",
            [M("bob"), M("erin")],
            [new MemberLeft("lobby", "bob", LeaveReason.Quit, null, null, null), new MemberLeft("lobby", "carol", LeaveReason.Lost, null, null, null), new MemberLeft("lobby", "dave", LeaveReason.Quit, null, null, null)],
            null));

        Assert.Equal(["alice", "bob", "erin"], state.Users);
        Assert.Equal(["bob, carol and dave left", "bob and erin joined"], state.Lines.TakeLast(2).Select(l => l.Text));
    }

    [Fact]
    public void The_room_count_comes_from_the_server_while_only_the_first_page_is_listed()
    {
        var state = new ChatState(now: () => Noon);
        state.Apply(new Welcomed(new Welcome("alice", ["lobby"], [M("u1"), M("u2")], null) { OnlineCount = 5000 }, Reconnected: false));
        Assert.Contains("5000 people online", state.Lines[0].Text, StringComparison.Ordinal);
        state.Apply(new RoomEntered("lobby", null, null, [M("u1"), M("u2")], [], Locked: true) { Count = 5000, Next = "c" });
        var lobby = state.Find("lobby")!;
        Assert.Equal(5000, lobby.UserCount);

        state.Apply(new MembersChanged("lobby", [M("new1"), M("new2")], [new MemberLeft("lobby", "unlisted", LeaveReason.Quit, null, null, null)], null));
        Assert.Equal(5001, lobby.UserCount);
        Assert.Equal(["new1 and new2 joined"], state.Lines.TakeLast(1).Select(l => l.Text));
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "a" }, "a joined")]
    [InlineData(new[] { "a", "b", "c" }, "a, b and c joined")]
    [InlineData(new[] { "a", "b", "c", "d" }, "a, b and 2 others joined")]
    public void Summaries(string[] names, string? expected) => Assert.Equal(expected, ChatState.Summarise(names, "joined"));
}
