using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// The conversation list. A plain <see cref="ListView"/> takes typed letters as a search of its items (in its
/// OnKeyDown, before any KeyDown handler); here what is typed belongs in the input line, so nothing typed is lost.
/// </summary>
internal sealed class RoomListView : ListView
{
    /// <summary>A printable key typed while the list has the focus; the window moves it to the input.</summary>
    public event Action<Key>? Typed;

    protected override bool OnKeyDown(Key key)
    {
        if (Typed is { } typed && ChatWindow.IsTyping(key))
        {
            typed(key);
            return true;
        }

        return base.OnKeyDown(key);
    }
}
