using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Replies in the terminal client, headless against a real server: <c>/reply N TEXT</c> quotes message #N (its seq) of
/// the conversation shown, a reply shows its quote dimmed on the row above it (following its original's deletion), and
/// a bad N is an error line.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class ReplyTuiTests
{
    private const string Password = "alicepass1";

    [Fact]
    public async Task Slash_reply_quotes_message_n_and_replies_show_their_quote_dimmed_above_them()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var first = await ProtocolSteps.SendOkAsync(bob, "lobby", "who broke the build on friday afternoon", "b1");
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password, Mode = LoginMode.Register });
        var (ui, window) = chat;
        ui.PumpUntil(() => ui.Screen.Contains("who broke the build", StringComparison.Ordinal), "bob's message");

        ui.Type($"/reply {first.Seq()} it was me, sorry");
        ui.App.InjectKey(Key.Enter);
        var heard = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "it was me, sorry");
        Assert.Equal(first.Str("msg"), heard["reply"]!["msg"]!.GetValue<string>());
        ui.PumpUntil(() => ui.Screen.Contains("↳ bob: who broke the build on friday afternoon", StringComparison.Ordinal), "the quote above the reply");
        var rows = ui.Screen.Split('\n');
        var quoteRow = Array.FindIndex(rows, r => r.Contains("↳ bob:", StringComparison.Ordinal));
        Assert.Contains("it was me, sorry", rows[quoteRow + 1], StringComparison.Ordinal);
        Assert.Equal(ColorName16.DarkGray, ForegroundOf(ui, "↳ bob:"));

        // A reply from someone else, to our reply, shows the same way.
        var ours = window.State.Current.Lines.Last(l => l.Text == "it was me, sorry");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", room = "lobby", text = "no worries", reply = ours.MessageId, id = "b2" }, "b2"));
        ui.PumpUntil(() => ui.Screen.Contains("↳ alice: it was me, sorry", StringComparison.Ordinal), "bob's reply quoting ours");

        // Deleting ours: bob's reply keeps its place and its quote says the original is gone, at once.
        ui.Type("/delete");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("↳ alice: (deleted)", StringComparison.Ordinal), "the quote following the deletion");

        ui.Type("/reply 999 hello?");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("no message #999 here to reply to", StringComparison.Ordinal), "the error line");
        ui.Type("/reply x");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("/reply N TEXT", StringComparison.Ordinal), "the usage");
    }

    [Fact]
    public void A_quote_keeps_the_start_on_one_line_and_a_deleted_original_says_so()
    {
        Assert.Null(ChatState.QuoteOf(null));
        Assert.Equal("↳ bob: two lines", ChatState.QuoteOf(new Piazza.Client.MessageQuote("m", 1, "bob", "two\nlines", false)));
        Assert.Equal("↳ bob: (deleted)", ChatState.QuoteOf(new Piazza.Client.MessageQuote("m", 1, "bob", "", true)));
        Assert.Equal("↳ bob: " + new string('x', 60) + "…", ChatState.QuoteOf(new Piazza.Client.MessageQuote("m", 1, "bob", new string('x', 200), false)));
    }

    [Fact]
    public void Editing_the_original_changes_the_quotes_held_to_its_new_text()
    {
        var state = new ChatState();
        state.Apply(ChatEvents.Welcome("alice", rooms: ["lobby"]));
        state.Apply(ChatEvents.Message("lobby", 1, "bob", text: "ship friday"));
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 2, "carol", text: "ok") with { Reply = new Piazza.Client.MessageQuote("m1", 1, "bob", "ship friday", false) }, Replayed: false));
        state.Apply(new MessageEdited("lobby", 1, "m1", "ship monday", "bob", null));
        Assert.Equal("↳ bob: ship monday", state.Find("lobby")!.Lines.Single(l => l.Seq == 2).Quote);
        Assert.Contains("ship monday (edited)", state.Find("lobby")!.Lines.Single(l => l.Seq == 1).ToString(), StringComparison.Ordinal);
    }

    /// <summary>The colour the screen draws <paramref name="text"/> in (its first character).</summary>
    private static ColorName16? ForegroundOf(HeadlessUi ui, string text)
    {
        _ = ui.Screen; // draws
        var cells = ui.App.Driver!.Contents!;
        for (var row = 0; row < cells.GetLength(0); row++)
        {
            var line = string.Concat(Enumerable.Range(0, cells.GetLength(1)).Select(col => cells[row, col].Grapheme ?? " "));
            var at = line.IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                var foreground = cells[row, at].Attribute?.Foreground;
                return Enum.GetValues<ColorName16>().Cast<ColorName16?>().FirstOrDefault(c => foreground == new Color(c!.Value));
            }
        }

        return null;
    }
}
