using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Away and typing in the terminal client: the state on a fake clock (who is away, "bob is typing…" running out or
/// ended by bob's message), /away and /back, and the real window, headless, against a real server and a raw client.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class AwayTypingTuiTests
{
    [Fact]
    public void Typing_shows_in_its_conversation_until_it_runs_out_or_the_typists_message_arrives()
    {
        var now = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Local);
        var state = new ChatState(now: () => now);
        state.Apply(ChatEvents.Welcome("alice", rooms: ["lobby", "dev"]));
        var lobby = state.Find("lobby")!;
        var dev = state.Find("dev")!;

        state.Apply(new UserTyping("lobby", "bob"));
        state.Apply(new UserTyping("lobby", "alice")); // our own, from another device: not shown
        state.Apply(new UserTyping("nowhere", "bob")); // not a conversation we show: ignored, not created
        Assert.Equal("bob is typing…", state.TypingText(lobby));
        Assert.Null(state.TypingText(dev));
        Assert.Null(state.Find("nowhere"));

        state.Apply(new UserTyping("lobby", "carol"));
        Assert.Equal("bob and carol are typing…", state.TypingText(lobby));
        state.Apply(ChatEvents.Message("lobby", 1, "bob", text: "done"));
        Assert.Equal("carol is typing…", state.TypingText(lobby));

        now += ChatState.TypingShownFor;
        Assert.Null(state.TypingText(lobby));
    }

    [Fact]
    public void Away_follows_user_lists_and_away_events_and_our_own_is_said()
    {
        var state = new ChatState(now: () => new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Local));
        state.Apply(ChatEvents.Welcome("alice"));
        state.Apply(new RoomEntered("lobby", null, null, [new Member("alice", null), new Member("bob", null) { Away = "lunch" }], [], Locked: true));
        Assert.Equal("lunch", state.AwayOf("Bob"));
        state.Apply(new UserAway("bob", null, null));
        Assert.Null(state.AwayOf("bob"));

        state.Apply(new UserAway("alice", "coffee", null));
        Assert.Equal("coffee", state.AwayOf("alice"));
        Assert.EndsWith("* you are away: coffee", state.Lines[^1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Away_and_back_parse()
    {
        Assert.Equal(new ChatCommand.Away("out for lunch"), ChatCommand.Parse("/away out for lunch"));
        Assert.Equal(new ChatCommand.Away(null), ChatCommand.Parse("/away"));
        Assert.Equal(new ChatCommand.Away(null), ChatCommand.Parse("/back"));
    }

    [Fact]
    public async Task The_window_marks_away_users_shows_who_is_typing_and_sends_typing_and_away()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice"), width: 100, height: 30);
        var (ui, window) = chat;
        ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");

        await bob.SendAsync(new { type = "away", text = "lunch", id = "a" });
        ui.PumpUntil(() => ui.Screen.Contains("bob (away)", StringComparison.Ordinal), "bob marked away in the users panel");

        await bob.SendAsync(new { type = "typing", room = "lobby" });
        ui.PumpUntil(() => ui.Screen.Contains("bob is typing…", StringComparison.Ordinal), "bob typing on the status line");
        await bob.SendAsync(new { type = "send", room = "lobby", text = "back soon", id = "s" });
        ui.PumpUntil(() => ui.Screen.Contains("<bob> back soon", StringComparison.Ordinal) && !ui.Screen.Contains("is typing", StringComparison.Ordinal), "typing ended by bob's message");

        ui.Type("hel");
        var typing = await bob.ReadUntilAsync(f => f.Type() == "typing");
        Assert.Equal(("lobby", "alice"), (typing.Str("room"), typing.Str("user")));
        ui.App.InjectKey(Key.U.WithCtrl);
        Assert.Equal("", window.InputText);

        ui.Type("/away coffee");
        ui.App.InjectKey(Key.Enter);
        Assert.Equal("coffee", (await bob.ReadUntilAsync(f => f.Type() == "away" && f.Str("user") == "alice")).Str("text"));
        ui.PumpUntil(() => ui.Screen.Contains("you are away: coffee", StringComparison.Ordinal) && ui.Screen.Contains("alice (you) (away)", StringComparison.Ordinal), "our own away said and marked");

        ui.Type("/back");
        ui.App.InjectKey(Key.Enter);
        Assert.Null((await bob.ReadUntilAsync(f => f.Type() == "away" && f.Str("user") == "alice"))["text"]);
        ui.PumpUntil(() => ui.Screen.Contains("you are back", StringComparison.Ordinal), "back said");
    }
}
