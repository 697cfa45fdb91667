using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// The chat window as a demanding terminal user meets it, headless against a real server: resizes, narrow screens,
/// keys that must not quit, scrolling from the input, jumping to a room, multi-line messages.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed class ChatWindowLayoutTests
{
    [Fact]
    public async Task After_a_resize_the_list_keeps_following_and_when_scrolled_up_counts_new_messages_below()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 200, 50);
        var (ui, window) = chat;
        await SayAsync(bob, 1, 60);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 60", StringComparison.Ordinal), "the newest line at 200×50");

        ui.App.Driver!.SetScreenSize(80, 24);
        ui.PumpUntil(() => window.MessagesFollowing && ui.Screen.Contains("<bob> line 60", StringComparison.Ordinal), "the newest line after the resize");
        Assert.DoesNotContain("<bob> line 01", ui.Screen, StringComparison.Ordinal);
        await SayAsync(bob, 61, 61);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 61", StringComparison.Ordinal), "a new line followed at 80×24");

        // Scrolled up: new lines stay below, counted on a marker; the view does not move.
        ui.App.InjectKey(Key.PageUp);
        ui.PumpUntil(() => !window.MessagesFollowing, "scrolled up");
        var top = window.MessagesTop;
        await SayAsync(bob, 62, 64);
        ui.PumpUntil(() => ui.Screen.Contains("↓ 3 new messages", StringComparison.Ordinal), "the new-messages marker with its count");
        Assert.Equal(top, window.MessagesTop);
        Assert.DoesNotContain("<bob> line 64", ui.Screen, StringComparison.Ordinal);

        // A resize while scrolled up keeps the reader's place (not the oldest message) and the marker.
        ui.App.Driver.SetScreenSize(100, 30);
        ui.PumpUntil(() => ui.Screen.Contains("↓ 3 new messages", StringComparison.Ordinal), "the marker after a second resize");
        Assert.DoesNotContain("<bob> line 01", ui.Screen, StringComparison.Ordinal);

        // Back down: the marker goes and the list follows again.
        ui.App.InjectKey(Key.End.WithCtrl);
        ui.PumpUntil(() => window.MessagesFollowing && ui.Screen.Contains("<bob> line 64", StringComparison.Ordinal), "the newest line after Ctrl+End");
        Assert.DoesNotContain("new messages", ui.Screen, StringComparison.Ordinal);
        await SayAsync(bob, 65, 65);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 65", StringComparison.Ordinal), "following again");
    }

    [Fact]
    public async Task The_status_says_who_is_here_and_online_and_fits_80_columns_whole()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 200, 50);
        var (ui, window) = chat;
        ui.PumpUntil(() => window.StatusText.Contains("as alice · 2 online · /help · Ctrl+Q quits", StringComparison.Ordinal), "the lobby's count, said once");

        ui.Type("/join dev");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => window.StatusText.Contains("1 here · 2 online", StringComparison.Ordinal), "here and online told apart in another room");

        ui.App.Driver!.SetScreenSize(80, 24);
        ui.PumpUntil(() => window.StatusText.EndsWith("Ctrl+Q quits", StringComparison.Ordinal) && window.StatusText.Length <= 78, "the status shortened to fit 80 columns");
        Assert.Contains("1 here · 2 online", window.StatusText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Side_panels_fold_at_80_columns_so_a_file_id_fits_and_F2_brings_the_users_back()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 200, 50);
        var (ui, window) = chat;
        const string Id = "0123456789abcdef0123456789abcdef";
        await bob.SendAsync(new { type = "send", id = "f", room = "lobby", text = $"[file] report.pdf · 1.2 MB · /download {Id}" });
        ui.PumpUntil(() => ui.Screen.Contains(Id, StringComparison.Ordinal), "the file line at 200×50");
        Assert.True(window.UsersPanelColumns > 0);
        Assert.Contains("alice (you)", ui.Screen, StringComparison.Ordinal);

        ui.App.Driver!.SetScreenSize(120, 40);
        ui.PumpUntil(() => window.UsersPanelColumns is > 0 and <= 20 && window.RoomsPanelColumns is > 0 and <= 20, "both panels, narrower, at 120×40");
        Assert.Contains("Users (2)", ui.Screen, StringComparison.Ordinal); // the title whole, not cut by the narrower panel

        ui.App.Driver.SetScreenSize(80, 24);
        ui.PumpUntil(() => window.UsersPanelColumns == 0, "the users panel folded at 80×24");
        Assert.InRange(window.RoomsPanelColumns, 1, 16);
        Assert.Contains(Id, ui.Screen, StringComparison.Ordinal); // whole, on one row
        Assert.DoesNotContain("alice (you)", ui.Screen, StringComparison.Ordinal);

        ui.App.InjectKey(Key.F2);
        ui.PumpUntil(() => window.UsersPanelColumns > 0 && ui.Screen.Contains("alice (you)", StringComparison.Ordinal), "the users panel after F2");
        ui.App.InjectKey(Key.F2);
        ui.PumpUntil(() => window.UsersPanelColumns == 0, "the users panel hidden again");

        ui.App.Driver.SetScreenSize(50, 20);
        ui.PumpUntil(() => window.RoomsPanelColumns == 0, "the rooms panel folded at 50 columns");
        Assert.Contains("<bob> [file] report.pdf", ui.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esc_and_the_documented_shortcuts_never_quit_and_Ctrl_Q_asks_before_losing_a_draft()
    {
        await using var server = await TestServer.StartAsync();
        await using var chat = await ChatAsync(server, "alice", 100, 30);
        var (ui, window) = chat;
        ui.Type("half a thought");
        foreach (var key in new[] { Key.Esc, Key.CursorUp.WithAlt, Key.CursorDown.WithAlt, Key.N.WithCtrl, Key.P.WithCtrl, Key.PageUp, Key.PageDown, Key.Esc })
        {
            ui.App.InjectKey(key);
        }

        ui.PumpUntil(() => window.InputText == "half a thought", "the draft kept");
        Assert.False(window.StopRequested);

        ui.App.InjectKey(Key.Q.WithCtrl);
        ui.PumpUntil(() => window.AsksToQuit && ui.Screen.Contains("Quit Piazza?", StringComparison.Ordinal), "the question before losing the draft");
        ui.App.InjectKey(Key.Esc);
        ui.PumpUntil(() => !window.AsksToQuit, "the question closed");
        Assert.False(window.StopRequested);
        ui.Type("!");
        Assert.Equal("half a thought!", window.InputText); // back in the input, draft intact

        ui.App.InjectKey(Key.Q.WithCtrl);
        ui.App.InjectKey((Key)'y');
        Assert.True(window.StopRequested);
    }

    [Fact]
    public async Task Ctrl_Q_with_nothing_typed_quits_at_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var chat = await ChatAsync(server, "alice", 100, 30);
        var (ui, window) = chat;
        ui.App.InjectKey(Key.Q.WithCtrl);
        Assert.True(window.StopRequested);
        Assert.False(window.AsksToQuit);
    }

    [Fact]
    public async Task PgUp_and_the_wheel_scroll_from_the_input_and_the_focused_area_is_marked()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 100, 24);
        var (ui, window) = chat;
        await SayAsync(bob, 1, 40);
        ui.PumpUntil(() => ui.Screen.Contains("<bob> line 40", StringComparison.Ordinal), "the newest line");
        ui.Type("draft");

        ui.App.InjectKey(Key.PageUp);
        ui.PumpUntil(() => !window.MessagesFollowing, "PgUp scrolled the messages");
        Assert.True(window.InputHasFocus);
        var afterPage = window.MessagesTop;
        ui.App.InjectMouse(new Mouse { ScreenPosition = new System.Drawing.Point(50, 10), Flags = MouseFlags.WheeledUp });
        ui.PumpUntil(() => window.MessagesTop == afterPage - 3, "the wheel scrolled three rows up");
        Assert.True(window.InputHasFocus);
        ui.App.InjectKey(Key.PageDown);
        ui.App.InjectKey(Key.PageDown);
        ui.PumpUntil(() => window.MessagesFollowing, "PgDn back to the newest");
        Assert.Equal("draft", window.InputText);

        // Tab moves the focus; the focused area's frame says so.
        Assert.DoesNotContain("▶", ui.Screen, StringComparison.Ordinal);
        for (var i = 0; i < 6 && !window.RoomListHasFocus; i++)
        {
            ui.App.InjectKey(Key.Tab);
        }

        ui.PumpUntil(() => ui.Screen.Contains("▶ Rooms", StringComparison.Ordinal) && ui.Screen.Contains('╔', StringComparison.Ordinal), "the rooms frame marked");

        // Typing while the rooms have the focus goes to the input too (nothing typed is lost).
        ui.Type("?");
        ui.PumpUntil(() => window.InputHasFocus && window.InputText == "draft?", "the key typed in the rooms, in the input");
        ui.App.InjectKey(Key.Backspace);
        ui.PumpUntil(() => window.InputText == "draft", "the draft again");
        for (var i = 0; i < 6 && !window.RoomListHasFocus; i++)
        {
            ui.App.InjectKey(Key.Tab);
        }

        ui.PumpUntil(() => window.RoomListHasFocus, "the rooms focused again");
        ui.App.InjectKey(Key.Tab);
        ui.PumpUntil(() => ui.Screen.Contains("▶ #lobby", StringComparison.Ordinal) && !ui.Screen.Contains("▶ Rooms", StringComparison.Ordinal), "the messages frame marked");

        // Typing while the messages have the focus goes to the input.
        ui.Type("!");
        ui.PumpUntil(() => window.InputHasFocus && window.InputText == "draft!", "the key in the input");
        Assert.DoesNotContain("▶", ui.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_K_filters_conversations_by_name_and_Enter_switches()
    {
        await using var server = await TestServer.StartAsync();
        await using var chat = await ChatAsync(server, "alice", 100, 30);
        var (ui, window) = chat;
        foreach (var room in new[] { "dev", "design", "ops" })
        {
            ui.Type($"/join {room}");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => window.State.Current.Id == room, $"#{room} joined");
        }

        ui.App.InjectKey(Key.K.WithCtrl);
        ui.PumpUntil(() => window.JumpMatches is { Count: 4 } && ui.Screen.Contains("Jump to", StringComparison.Ordinal), "the jump prompt listing every conversation");
        ui.Type("de");
        ui.PumpUntil(() => window.JumpMatches!.SequenceEqual(["#dev", "#design"]), "the names starting with 'de'");
        ui.App.InjectKey(Key.CursorDown);
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => window.State.Current.Id == "design" && window.JumpMatches is null, "#design shown, the prompt closed");
        Assert.True(window.InputHasFocus);

        // Esc closes the prompt without switching (and without quitting).
        ui.App.InjectKey(Key.K.WithCtrl);
        ui.Type("lob");
        ui.App.InjectKey(Key.Esc);
        ui.PumpUntil(() => window.JumpMatches is null, "the prompt closed by Esc");
        Assert.Equal("design", window.State.Current.Id);
        Assert.False(window.StopRequested);
    }

    [Fact]
    public async Task A_multi_line_message_shows_each_line_on_its_own_row_and_up_recalls_sent_lines()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 80, 24);
        var (ui, window) = chat;
        await bob.SendAsync(new { type = "send", id = "m", room = "lobby", text = "first line\nsecond line\n\tindented third" });
        ui.PumpUntil(() => window.VisibleMessageRows.Any(r => r.EndsWith("<bob> first line", StringComparison.Ordinal)), "the first line");
        var rows = window.VisibleMessageRows.ToList();
        var first = rows.FindIndex(r => r.EndsWith("<bob> first line", StringComparison.Ordinal));
        Assert.Equal("        second line", rows[first + 1]);
        Assert.Equal("            indented third", rows[first + 2]);
        Assert.DoesNotContain(@"\n", ui.Screen, StringComparison.Ordinal);

        ui.Type("one");
        ui.App.InjectKey(Key.Enter);
        ui.Type("two");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("» <alice> two", StringComparison.Ordinal), "both sent");
        ui.Type("dra");
        ui.App.InjectKey(Key.CursorUp);
        Assert.Equal("two", window.InputText);
        ui.App.InjectKey(Key.CursorUp);
        Assert.Equal("one", window.InputText);
        ui.App.InjectKey(Key.CursorDown);
        ui.App.InjectKey(Key.CursorDown);
        Assert.Equal("dra", window.InputText);
        Assert.True(window.InputHasFocus);
    }

    [Fact]
    public async Task Tab_completes_a_name_from_the_room_and_otherwise_moves_the_focus()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var chat = await ChatAsync(server, "alice", 100, 30);
        var (ui, window) = chat;
        ui.PumpUntil(() => window.State.Current.Users.Contains("bob"), "bob in the lobby");

        ui.Type("Bo");
        ui.App.InjectKey(Key.Tab);
        Assert.Equal("bob: ", window.InputText);
        ui.Type("hi");
        ui.App.InjectKey(Key.Enter);
        var sent = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "alice");
        Assert.Equal("bob: hi", sent.Str("text"));

        ui.Type("/msg b");
        ui.App.InjectKey(Key.Tab);
        Assert.Equal("/msg bob ", window.InputText);
        Assert.True(window.InputHasFocus);

        ui.Type("zz");
        ui.App.InjectKey(Key.Tab); // nothing to complete: the focus moves on as before
        Assert.False(window.InputHasFocus);
    }

    [Fact]
    public void History_reaching_back_over_days_gets_a_heading_for_each_day()
    {
        using var ui = new HeadlessUi(60, 12);
        var window = new Terminal.Gui.Views.Window();
        var list = new MessageListView { Width = Terminal.Gui.ViewBase.Dim.Fill(), Height = Terminal.Gui.ViewBase.Dim.Fill() };
        window.Add(list);
        var session = ui.Begin(window);
        try
        {
            var friday = new DateTime(2026, 12, 4, 23, 58, 0, DateTimeKind.Local);
            list.Show([
                new ChatLine(friday, ChatLineKind.Message, "bob", "late"),
                new ChatLine(friday.AddMinutes(1), ChatLineKind.Message, "bob", "still friday"),
                new ChatLine(friday.AddMinutes(5), ChatLineKind.Message, "carol", "saturday now"),
            ]);
            list.Append(new ChatLine(friday.AddDays(2), ChatLineKind.Message, "bob", "sunday"));
            ui.PumpUntil(() => list.VisibleRows.Any(), "the rows");
            Assert.Equal(
                ["23:58   <bob> late", "23:59   <bob> still friday", "─── Saturday 5 December 2026 ───", "00:03   <carol> saturday now",
                 "─── Sunday 6 December 2026 ───", "23:58   <bob> sunday"],
                list.VisibleRows);
        }
        finally
        {
            ui.App.End(session);
            window.Dispose();
        }
    }

    private static async Task SayAsync(RawClient bob, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await bob.SendAsync(new { type = "send", id = "b" + i, room = "lobby", text = $"line {i:00}" });
        }
    }

    private static Task<HeadlessChat> ChatAsync(TestServer server, string user, int width, int height)
        => HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, user), width, height);
}
