using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Drawing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Formatting in the terminal client (issue 15): a message's fenced code blocks are drawn in their own colour and
/// their fence lines dimmed, read from the cells the driver drew, headless against a real server.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class FormattingTuiTests
{
    [Fact]
    public async Task A_code_block_is_drawn_in_the_code_colour_its_fences_dimmed_and_the_rest_of_the_message_as_before()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = "alicepass1", Mode = LoginMode.Register });
        var (ui, _) = chat;

        await ProtocolSteps.SendOkAsync(bob, "lobby", "deploy with:\n```sh\ndotnet publish -c Release\n  --no-restore\n```\nthen `restart` it", "c1");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "```\nfirst row fence\n```", "c2");
        ui.PumpUntil(() => ui.Screen.Contains("first row fence", StringComparison.Ordinal), "both messages shown");

        Assert.Equal([MessageListView.CodeColour], ForegroundsOf(ui, "dotnet publish -c Release"));
        Assert.Equal([MessageListView.CodeColour], ForegroundsOf(ui, "--no-restore"));
        Assert.Equal([MessageListView.CodeColour], ForegroundsOf(ui, "first row fence"));
        Assert.Equal([ColorName16.DarkGray], ForegroundsOf(ui, "```sh"));
        Assert.All(ForegroundsOf(ui, "```"), c => Assert.Equal(ColorName16.DarkGray, c));
        Assert.Equal(4, ForegroundsOf(ui, "```").Count);

        // Around the block the message is drawn as any other: its text, its sender's name colour, inline code as typed.
        var text = Assert.Single(ForegroundsOf(ui, "deploy with:"));
        Assert.NotEqual(MessageListView.CodeColour, text);
        Assert.Equal([text], ForegroundsOf(ui, "then `restart` it"));
        var name = ForegroundsOf(ui, "<bob>");
        Assert.Equal(2, name.Count);
        Assert.Equal(name[0], name[1]);
        Assert.NotEqual(ColorName16.DarkGray, name[1]);
    }

    [Theory]
    [InlineData(new[] { "text", "```", "code", "```", "text" }, "TFCFT")]
    [InlineData(new[] { "~~~~ c#", "```", "~~~", "still code", "~~~~~" }, "FCCCF")]
    [InlineData(new[] { "```never closed", "code", "code" }, "FCC")]
    [InlineData(new[] { "```inline``` is not a fence", "    ```", "``", "text" }, "TTTT")]
    [InlineData(new[] { "   ```", "code", "``` not a close", "```  " }, "FCCF")]
    public void Code_blocks_follow_markdown_fences(string[] lines, string expected)
    {
        var styles = CodeBlocks.Styles(lines);
        Assert.Equal(expected, string.Concat(styles.Select(s => s switch { TextLineStyle.Fence => 'F', TextLineStyle.Code => 'C', _ => 'T' })));
    }

    [Fact]
    public void Only_messages_get_code_styles_and_the_first_row_styles_after_its_sender()
    {
        var time = new DateTime(2026, 1, 1, 14, 2, 0);
        var rows = LineWrapper.StyledRows(new ChatLine(time, ChatLineKind.Message, "bob", "```\nx\n```"), 80);
        Assert.Equal("14:02   <bob> ```", rows[0].Text);
        Assert.Equal((TextLineStyle.Fence, "```"), (rows[0].Style, rows[0].Text[rows[0].StyleFrom..]));
        Assert.Equal([TextLineStyle.Fence, TextLineStyle.Code, TextLineStyle.Fence], rows.Select(r => r.Style));
        var notice = LineWrapper.StyledRows(new ChatLine(time, ChatLineKind.System, null, "```\nx\n```"), 80);
        Assert.All(notice, r => Assert.Equal(TextLineStyle.Text, r.Style));
        var deleted = LineWrapper.StyledRows(new ChatLine(time, ChatLineKind.Message, "bob", "```\nx") { Deleted = true }, 80);
        Assert.All(deleted, r => Assert.Equal(TextLineStyle.Text, r.Style));
    }

    /// <summary>The colour of the first character of <paramref name="text"/> on each screen row it is drawn on.</summary>
    private static List<ColorName16?> ForegroundsOf(HeadlessUi ui, string text)
    {
        _ = ui.Screen; // draws
        var cells = ui.App.Driver!.Contents!;
        var found = new List<ColorName16?>();
        for (var row = 0; row < cells.GetLength(0); row++)
        {
            var line = string.Concat(Enumerable.Range(0, cells.GetLength(1)).Select(col => cells[row, col].Grapheme ?? " "));
            var at = line.IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                var foreground = cells[row, at].Attribute?.Foreground;
                found.Add(Enum.GetValues<ColorName16>().Cast<ColorName16?>().FirstOrDefault(c => foreground == new Color(c!.Value)));
            }
        }

        return found;
    }
}
