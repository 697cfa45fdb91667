using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Group conversations in the terminal client, headless, against a real server.</summary>
[Collection(TuiCollection.Name)]
public sealed class GroupConversationTuiTests
{
    [Fact]
    public async Task Group_conversation_in_the_room_list()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var (carol, _) = await RawClient.JoinAsync(server.Port, "Carol");
        await using var carolClient = carol;
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        using var ui = new HeadlessUi(width: 110, height: 32);
        using var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        try
        {
            ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith("connected as alice", StringComparison.Ordinal)), "the welcome line");

            ui.Type("/msg bob,carol hello both");
            ui.App.InjectKey(Key.Enter);
            var received = await carol.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
            Assert.Equal("hello both", received.Str("text"));
            Assert.Equal(["bob", "Carol"], received["to"]!.AsArray().Select(n => n!.GetValue<string>()));
            // Shown, and named as the server spells the names (the echo's "to"), whichever of the echo and the ok came first.
            ui.PumpUntil(() => window.State.Current.IsGroup && ui.Screen.Contains("» <alice> hello both", StringComparison.Ordinal)
                && ui.Screen.Contains("bob, Carol", StringComparison.Ordinal), "the group conversation shown, named 'bob, Carol'");
            Assert.Contains("Private conversation with bob, Carol", ui.Screen, StringComparison.Ordinal);

            // Plain text now goes to the group; an answer from carol appears here.
            ui.Type("second");
            ui.App.InjectKey(Key.Enter);
            var second = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "second");
            Assert.Equal(received.Str("room"), second.Str("room"));
            await carol.SendAsync(new { type = "send", to = new[] { "alice", "bob" }, text = "hi from carol", id = "c1" });
            ui.PumpUntil(() => ui.Screen.Contains("<Carol> hi from carol", StringComparison.Ordinal), "carol's answer in the group");

            // A two-person conversation with bob is another entry beside the group.
            await bob.SendAsync(new { type = "send", to = "alice", text = "just us", id = "b2" });
            ui.PumpUntil(() => ui.Screen.Contains("@bob (1)", StringComparison.Ordinal), "bob's two-person conversation beside the group");
            Assert.Equal(2, window.State.Conversations.Count(c => c.IsPrivate));
        }
        finally
        {
            ui.App.End(session);
        }
    }
}
