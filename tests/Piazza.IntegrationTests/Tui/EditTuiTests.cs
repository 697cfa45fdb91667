using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Editing in the terminal client, headless against a real server: ↑ in an empty input starts editing our latest
/// message (Esc cancels), <c>/edit N TEXT</c> edits message #N, and edited lines show "(edited)" everywhere.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class EditTuiTests
{
    private const string Password = "alicepass1";

    [Fact]
    public async Task Up_in_an_empty_input_edits_the_latest_own_message_and_slash_edit_edits_by_seq()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password, Mode = LoginMode.Register });
        var (ui, window) = chat;

        ui.Type("helo wrld");
        ui.App.InjectKey(Key.Enter);
        var sent = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        var seq = sent.Seq();
        ui.PumpUntil(() => window.State.Current.Lines.Any(l => l.Seq == seq), "alice's line confirmed");

        // ↑ on an empty input: the edit line; Esc: nothing sent, the input empty again.
        ui.App.InjectKey(Key.CursorUp);
        ui.PumpUntil(() => window.InputText == $"/edit {seq} helo wrld", "the edit line in the input");
        ui.App.InjectKey(Key.Esc);
        ui.PumpUntil(() => window.InputText.Length == 0, "the edit cancelled");

        ui.App.InjectKey(Key.CursorUp);
        ui.PumpUntil(() => window.InputText.StartsWith("/edit ", StringComparison.Ordinal), "the edit line again");
        ui.App.InjectKey(Key.U.WithCtrl);
        ui.Type($"/edit {seq} hello world");
        ui.App.InjectKey(Key.Enter);
        var edited = await bob.ReadUntilAsync(f => f.Type() == "edited");
        Assert.Equal(("hello world", seq), (edited.Str("text"), edited.Seq()));
        ui.PumpUntil(() => ui.Screen.Contains("<alice> hello world (edited)", StringComparison.Ordinal), "the edited line");
        Assert.DoesNotContain("helo wrld", ui.Screen, StringComparison.Ordinal);

        // With text in the input ↑ recalls sent lines, as before.
        ui.Type("draft");
        ui.App.InjectKey(Key.CursorUp);
        ui.PumpUntil(() => window.InputText == $"/edit {seq} hello world", "the last sent line recalled");
        ui.App.InjectKey(Key.U.WithCtrl);

        // Someone else's message: refused here, before asking the server.
        var theirs = (await ProtocolSteps.SendOkAsync(bob, "lobby", "bob's words", "b1")).Seq();
        ui.PumpUntil(() => ui.Screen.Contains("<bob> bob's words", StringComparison.Ordinal), "bob's line");
        ui.Type($"/edit {theirs} mine now");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("you can edit only your own", StringComparison.Ordinal), "the refusal");

        // A later window shows the edit from history.
        await using var later = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password });
        var (laterUi, _) = later;
        laterUi.PumpUntil(() => laterUi.Screen.Contains("<alice> hello world (edited)", StringComparison.Ordinal), "the edit in history");
    }
}
