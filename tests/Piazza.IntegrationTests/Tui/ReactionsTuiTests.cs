using System.Globalization;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Reactions in the terminal client: counts after a message, /react and /unreact N EMOJI (shortcodes too), headless against a real server.</summary>
[Collection(TuiCollection.Name)]
public sealed class ReactionsTuiTests
{
    private const string Password = "alicepass1";

    [Fact]
    public void React_and_unreact_parse_with_or_without_the_hash_and_anything_else_is_usage()
    {
        Assert.Equal(new ChatCommand.React(12, "👍", true), ChatCommand.Parse("/react 12 👍"));
        Assert.Equal(new ChatCommand.React(12, ":tada:", false), ChatCommand.Parse("/unreact #12 :tada:"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/react 👍"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/react x 👍"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/react 0 👍"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/react 3 👍 🎉"));
    }

    [Fact]
    public void A_reaction_event_updates_the_counts_after_its_message()
    {
        var state = new ChatState(now: () => new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Local));
        state.Apply(ChatEvents.Welcome("alice"));
        state.Apply(ChatEvents.Message("lobby", 1, "bob", text: "ship it"));
        var id = state.Find("lobby")!.Lines.Single(l => l.Seq == 1).MessageId!;
        state.Apply(new ReactionChanged("lobby", id, 1, "👍", "carol", true));
        state.Apply(new ReactionChanged("lobby", id, 1, "🎉", "dave", true));
        state.Apply(new ReactionChanged("lobby", id, 1, "👍", "alice", true));
        Assert.EndsWith("<bob> ship it  👍 2  🎉 1", state.Find("lobby")!.Lines.Single(l => l.Seq == 1).ToString(), StringComparison.Ordinal);
        state.Apply(new ReactionChanged("lobby", id, 1, "🎉", "dave", false));
        Assert.EndsWith("<bob> ship it  👍 2", state.Find("lobby")!.Lines.Single(l => l.Seq == 1).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task React_adds_a_reaction_others_hear_and_the_counts_follow_on_the_screen()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password, Mode = LoginMode.Register }, width: 100, height: 30);
        var (ui, window) = chat;
        ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");

        var seq = (await ProtocolSteps.SendOkAsync(bob, "lobby", "ship it", "s1")).Seq();
        var n = seq.ToString(CultureInfo.InvariantCulture);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> ship it", StringComparison.Ordinal), "bob's message");

        ui.Type($"/react {n} :+1:");
        ui.App.InjectKey(Key.Enter);
        var heard = await bob.ReadUntilAsync(f => f.Type() == "reaction");
        Assert.Equal(("alice", "👍", true), (heard.Str("user"), heard.Str("emoji"), heard["on"]!.GetValue<bool>()));
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "react", msg = heard.Str("msg"), emoji = "🎉", id = "r" }, "r"));
        ui.PumpUntil(() => Line(window, seq).EndsWith("ship it  👍 1  🎉 1", StringComparison.Ordinal), "the counts after the message");
        Assert.Contains("ship it", ui.Screen, StringComparison.Ordinal);

        ui.Type($"/unreact {n} :thumbsup:"); // the window types keys one UTF-16 unit at a time: shortcodes stand in for emoji
        ui.App.InjectKey(Key.Enter);
        Assert.False((await bob.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("user") == "alice"))["on"]!.GetValue<bool>());
        ui.PumpUntil(() => Line(window, seq).EndsWith("ship it  🎉 1", StringComparison.Ordinal), "our reaction gone");

        ui.Type("/react 999 :+1:");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("no message #999 here", StringComparison.Ordinal), "an unknown N refused");
        ui.Type($"/react {n} ab");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("/react failed", StringComparison.Ordinal), "a non-emoji refused by the server");
    }

    private static string Line(ChatWindow window, long seq)
        => window.State.Current.Lines.FirstOrDefault(l => l.Seq == seq)?.ToString() ?? "";
}
