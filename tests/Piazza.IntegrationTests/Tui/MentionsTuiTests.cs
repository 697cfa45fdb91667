using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Mentions and read state in the terminal client (issue 14), headless against a real server: a mention of the user
/// is highlighted and counted apart in the room list, rings the bell (unless <c>--no-bell</c>), and what the window
/// shows is read on the account's other devices.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class MentionsTuiTests
{
    private const string Password = "alicepass1";

    [Fact]
    public async Task A_mention_is_counted_apart_rings_the_bell_is_highlighted_and_read_once_shown()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chat = await ChatAsync(server, bell: true);
        var (ui, window) = chat;
        var bells = 0;
        window.RingBell = () => bells++;

        ui.Type("/join dev");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => window.State.Current.Id == "dev", "dev shown");
        ui.App.InjectKey(Key.P.WithCtrl);
        ui.PumpUntil(() => window.State.Current.Id == "lobby", "the lobby again");

        // Alice's phone: it hears what the window reads.
        var (phone, _) = await ProtocolSteps.LoginAsync(server.Port, "alice", Password);
        await using var _phone = phone;

        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await ProtocolSteps.SendOkAsync(bob, "dev", "the build is red", "d1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "@alice can you look?", "d2");
        ui.PumpUntil(() => ui.Screen.Contains("dev (2) @1", StringComparison.Ordinal), "the unread and mention counts in the room list");
        Assert.Equal(1, bells);
        Assert.Contains("Rooms (2) @1", ui.Screen, StringComparison.Ordinal);

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "send", to = "alice", text = "psst", id = "p1" }, "p1"));
        ui.PumpUntil(() => ui.Screen.Contains("@bob (1)", StringComparison.Ordinal), "the private conversation's count");
        Assert.Equal(2, bells);
        await ProtocolSteps.SendOkAsync(bob, "lobby", "hello everyone", "l1");
        ui.PumpUntil(() => ui.Screen.Contains("<bob> hello everyone", StringComparison.Ordinal), "bob's line in the lobby");
        Assert.Equal(2, bells);

        // Shown: highlighted, read (the counts go) and the server told, so the phone hears it.
        ui.App.InjectKey(Key.N.WithCtrl);
        ui.PumpUntil(() => window.State.Current.Id == "dev" && ui.Screen.Contains("@alice can you look?", StringComparison.Ordinal), "dev shown");
        ui.PumpUntil(() => !ui.Screen.Contains("dev (2)", StringComparison.Ordinal), "dev's counts cleared");
        Assert.Equal(ColorName16.BrightYellow, ForegroundOf(ui, "@alice can you look?"));
        Assert.NotEqual(ColorName16.BrightYellow, ForegroundOf(ui, "the build is red"));
        var read = await phone.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == "dev");
        Assert.Equal(2, read.Seq());
        Assert.Contains(("dev", 2L), window.ReadsSent);
    }

    [Fact]
    public async Task Counts_come_from_the_welcome_and_drop_when_read_on_another_device_and_no_bell_is_quiet()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        var (phone, _) = await ProtocolSteps.RegisterAsync(server.Port, "alice", Password);
        await using var _phone = phone;
        await ProtocolSteps.JoinRoomAsync(phone, "dev");
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await ProtocolSteps.SendOkAsync(bob, "dev", "@alice first", "d1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "second", "d2");

        // A window opened afterwards starts with the server's counts, not from nothing.
        var parse = Piazza.Tui.Program.Build();
        var settings = parse.Settings(parse.Command.Parse(["--server", $"127.0.0.1:{server.Port}", "--user", "alice", "--password", Password, "--no-bell"]));
        Assert.False(settings.Bell);
        await using var chat = await ChatAsync(server, settings);
        var (ui, window) = chat;
        var bells = 0;
        window.RingBell = () => bells++;
        Assert.False(window.BellEnabled);
        ui.PumpUntil(() => ui.Screen.Contains("dev (2) @1", StringComparison.Ordinal), "the welcome's counts in the room list");

        await ProtocolSteps.SendOkAsync(bob, "dev", "@alice third", "d3");
        ui.PumpUntil(() => ui.Screen.Contains("dev (3) @2", StringComparison.Ordinal), "a live mention counted");
        Assert.Equal(0, bells);

        // The phone reads up to the second message: the window keeps only the third.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(phone, new { type = "read", room = "dev", seq = 2, id = "r" }, "r"));
        ui.PumpUntil(() => ui.Screen.Contains("dev (1) @1", StringComparison.Ordinal), "the counts after the phone's read");
        Assert.Empty(window.ReadsSent);
    }

    private static async Task<HeadlessChat> ChatAsync(TestServer server, bool bell)
        => await ChatAsync(server, new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password, Mode = LoginMode.Register, Bell = bell });

    private static Task<HeadlessChat> ChatAsync(TestServer server, ConnectSettings settings) => HeadlessChat.StartAsync(settings);

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
