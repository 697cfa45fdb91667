using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// Asks before quitting would throw away a typed draft: Y or Enter quits, N or Esc returns to the draft. A view in
/// the window rather than a modal dialog, so it never blocks the events that keep arriving.
/// </summary>
internal sealed class QuitConfirm : FrameView
{
    public QuitConfirm()
    {
        Title = "Quit Piazza?";
        Visible = false;
        X = Pos.Center();
        Y = Pos.Center();
        Width = 46;
        Height = 4;
        CanFocus = true;
        Add(new Label { X = 1, Y = 0, Text = "The line you typed has not been sent." },
            new Label { X = 1, Y = 1, Text = "Y or Enter quits · N or Esc goes back" });
    }

    /// <summary>The user confirmed.</summary>
    public event Action? Confirmed;

    /// <summary>The user went back to the draft.</summary>
    public event Action? Declined;

    public void Open()
    {
        Visible = true;
        SetFocus();
    }

    protected override bool OnKeyDown(Key key)
    {
        if (key == Key.Y || key == Key.Y.WithShift || key == Key.Enter)
        {
            Visible = false;
            Confirmed?.Invoke();
            return true;
        }

        if (key == Key.N || key == Key.N.WithShift || key == Key.Esc)
        {
            Visible = false;
            Declined?.Invoke();
            return true;
        }

        return true; // any other key is for this question, not for the window behind it
    }
}
