using Terminal.Gui.Input;

namespace Piazza.Tui;

/// <summary>
/// Window-wide keys. No single key quits: Esc starts every Alt+arrow sequence and closes things elsewhere, so here it
/// only returns to the input; Ctrl+Q quits, asking first when a typed line would be lost.
/// </summary>
internal sealed partial class ChatWindow
{
    private readonly InputHistory _history = new();
    private readonly JumpPrompt _jump = new();
    private readonly QuitConfirm _quitConfirm = new();

    /// <summary>Whether the input line has the keyboard focus, for tests.</summary>
    internal bool InputHasFocus => _input.HasFocus;

    /// <summary>Whether the "quit and lose the draft?" question is shown, for tests.</summary>
    internal bool AsksToQuit => _quitConfirm.Visible;

    /// <summary>The conversations the jump prompt lists (null when closed), for tests.</summary>
    internal IReadOnlyList<string>? JumpMatches => _jump.Visible ? _jump.Matches : null;

    private void BindKeysAndPanels()
    {
        // The input gives up keys the window uses: Ctrl+K (its cut-to-end) opens the jump prompt, Ctrl+Home/End (the
        // same as Home/End there) move the message list.
        _input.KeyBindings.Remove(Key.K.WithCtrl);
        _input.KeyBindings.Remove(Key.Home.WithCtrl);
        _input.KeyBindings.Remove(Key.End.WithCtrl);
        _input.KeyDown += (_, key) => key.Handled = StartOrCancelEdit(key) || RecallHistory(key) || (key == Key.Tab && CompleteName());
        _input.TextChanged += (_, _) => _controller.NoteTyping(_state.Current, _input.Text); // "alice is typing…" for the others

        _roomList.Typed += key =>
        {
            FocusInput();
            _input.NewKeyDownEvent(key);
        };

        _jump.Chosen += _state.SwitchTo;
        _jump.Closed += FocusInput;
        _quitConfirm.Confirmed += RequestStop;
        _quitConfirm.Declined += FocusInput;
        BindPanels();
    }

    /// <summary>Keys no focused view took: switching conversations, scrolling, panels, quitting.</summary>
    private bool OnShortcut(Key key)
    {
        if (key == Key.N.WithCtrl || key == Key.CursorDown.WithAlt)
        {
            _state.SwitchBy(1);
        }
        else if (key == Key.P.WithCtrl || key == Key.CursorUp.WithAlt)
        {
            _state.SwitchBy(-1);
        }
        else if (key == Key.PageUp || key == Key.PageDown)
        {
            _messages.ScrollPage(key == Key.PageUp ? -1 : 1);
        }
        else if (key == Key.Home.WithCtrl || key == Key.End.WithCtrl)
        {
            _messages.ScrollBy(key == Key.Home.WithCtrl ? -(int.MaxValue / 2) : int.MaxValue / 2);
        }
        else if (key == Key.K.WithCtrl)
        {
            _jump.Open(_state.Conversations);
        }
        else if (key == Key.Q.WithCtrl)
        {
            Quit();
        }
        else if (key == Key.F2 || key == Key.F3)
        {
            TogglePanel(users: key == Key.F2);
        }
        else if (key == Key.U.WithCtrl)
        {
            _input.Text = ""; // as readline's Ctrl+U: start the line again
        }
        else if (key == Key.L.WithCtrl)
        {
            _app.LayoutAndDraw(true); // redraw the whole screen, as every terminal program does on Ctrl+L
        }
        else if (key == Key.Esc)
        {
            FocusInput(); // and never quit: Alt+arrows begin with Esc
        }
        else if (_messages.HasFocus && IsTyping(key))
        {
            // Typing while reading the messages goes to the input, as in irssi and weechat.
            FocusInput();
            return _input.NewKeyDownEvent(key);
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>Back to the input with the draft as it was: the field would select it all, and the next key replace it.</summary>
    private void FocusInput()
    {
        _input.SetFocus();
        _input.ClearAllSelection();
        _input.MoveEnd();
    }

    private void Quit()
    {
        if (string.IsNullOrWhiteSpace(_input.Text))
        {
            RequestStop();
        }
        else
        {
            _quitConfirm.Open();
        }
    }

    /// <summary>↑/↓ in the input recall sent lines (Terminal.Gui would move the focus instead).</summary>
    private bool RecallHistory(Key key)
    {
        if (key != Key.CursorUp && key != Key.CursorDown)
        {
            return false;
        }

        var recalled = key == Key.CursorUp ? _history.Older(_input.Text ?? "") : _history.Newer();
        if (recalled is not null)
        {
            _input.Text = recalled;
            _input.MoveEnd();
        }

        return true;
    }

    /// <summary>
    /// Tab completes the word before the cursor to a name of the conversation (not our own) or a command
    /// (<see cref="InputCompletion"/>); with nothing to complete Tab moves the focus as usual.
    /// </summary>
    private bool CompleteName()
    {
        var conversation = _state.Current;
        IEnumerable<string> names = conversation.IsPrivate ? [conversation.Peer ?? ""] : conversation.Users;
        names = names.Where(n => !string.Equals(n, _state.Self, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase);
        if (InputCompletion.Complete(_input.Text ?? "", _input.InsertionPoint, names) is not { } completed)
        {
            return false;
        }

        _input.Text = completed.Text;
        _input.InsertionPoint = completed.Cursor;
        return true;
    }

    /// <summary>A printable key without Ctrl or Alt: text, not a shortcut.</summary>
    internal static bool IsTyping(Key key)
        => !key.IsCtrl && !key.IsAlt && key.AsRune is { Value: >= ' ' } rune && !System.Text.Rune.IsControl(rune);
}
