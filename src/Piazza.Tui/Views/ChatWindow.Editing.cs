using Terminal.Gui.Input;

namespace Piazza.Tui;

/// <summary>
/// ↑ in an empty input edits our latest message in the open conversation: the input is filled with
/// <c>/edit N old text</c> (Enter sends the edit, Esc cancels it). With text in the input, or no message of ours to
/// edit, ↑ recalls sent lines as before; ↑ again on the filled edit line also goes on into that history.
/// </summary>
internal sealed partial class ChatWindow
{
    private bool StartOrCancelEdit(Key key)
    {
        if (key == Key.CursorUp && string.IsNullOrEmpty(_input.Text) && _state.LatestOwnEditable(_state.Current) is { Seq: { } seq } line)
        {
            _input.Text = ChatCommand.EditPrefix(seq) + line.Text;
            _input.MoveEnd();
            return true;
        }

        if (key == Key.Esc && (_input.Text ?? "").StartsWith("/edit ", StringComparison.Ordinal))
        {
            _input.Text = "";
            return true;
        }

        return false;
    }
}
