using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Each message shows its seq at the right edge of its first row (what /edit, /reply, /react and /pin name it by),
/// and only where it fits beside the text.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class MessageSeqTuiTests
{
    [Fact]
    public async Task A_message_shows_its_seq_at_the_right_edge_when_it_fits()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice"), width: 100, height: 30);
        var (ui, window) = chat;

        await bob.SendAsync(new { type = "send", room = "lobby", text = "short one", id = "s1" });
        var sent = await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "s1");
        var seq = sent["seq"]!.GetValue<long>();
        ui.PumpUntil(() => ui.Screen.Contains("<bob> short one", StringComparison.Ordinal), "bob's message");
        var row = ui.Screen.Split('\n').Single(r => r.Contains("<bob> short one", StringComparison.Ordinal));
        Assert.Matches($@"short one +#{seq}[^#\w]*$", row); // right-aligned: only the panel's border after it

        // A first row that fills the width keeps its text: no number drawn over it.
        var longText = string.Join(" ", Enumerable.Repeat("word", 60));
        await bob.SendAsync(new { type = "send", room = "lobby", text = longText, id = "s2" });
        var second = await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "s2");
        ui.PumpUntil(() => window.State.Current.Lines.Any(l => l.Seq == second["seq"]!.GetValue<long>()), "the long message");
        Assert.DoesNotContain($"#{second["seq"]!.GetValue<long>()}", ui.Screen, StringComparison.Ordinal);
    }
}
