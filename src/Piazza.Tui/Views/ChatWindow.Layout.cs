using Terminal.Gui.Drawing;
using Terminal.Gui.Text;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// Side panels that follow the terminal's width (each as wide as its longest entry, narrower on small screens, folded
/// below a width; F2/F3 show or hide them), and which area has the focus, marked on its frame.
/// </summary>
internal sealed partial class ChatWindow
{
    /// <summary>Below this many columns the users panel starts hidden: at 80 the messages need the room more.</summary>
    private const int UsersPanelMinColumns = 100;

    /// <summary>Below this the rooms panel starts hidden too (Ctrl+K and Ctrl+N/P still switch).</summary>
    private const int RoomsPanelMinColumns = 60;

    /// <summary>From this width on, panels may grow to show long names whole.</summary>
    private const int WideColumns = 160;

    /// <summary>Marks the frame whose list has the focus (besides its double border), visible without colours.</summary>
    private const string FocusMark = "▶ ";

    private readonly Dictionary<FrameView, string> _frameTitles = [];
    private LineStyle _frameStyle = LineStyle.Rounded;
    private bool? _usersShown; // null: decided by the width
    private bool? _roomsShown;

    /// <summary>The rooms panel's width now (0 when folded), for tests.</summary>
    internal int RoomsPanelColumns => _roomsFrame.Visible ? _roomsFrame.Frame.Width : 0;

    /// <summary>The users panel's width now (0 when folded), for tests.</summary>
    internal int UsersPanelColumns => _usersFrame.Visible ? _usersFrame.Frame.Width : 0;

    private void BindPanels()
    {
        _frameStyle = _messagesFrame.BorderStyle ?? LineStyle.Rounded;
        ViewportChanged += (_, _) => ShowPanels();
        _roomList.HasFocusChanged += (_, _) => MarkFocus();
        _messages.HasFocusChanged += (_, _) => MarkFocus();
        ShowPanels();
    }

    /// <summary>The terminal's width: the thresholds are in terminal columns, the window's border included.</summary>
    private int Columns => Frame.Width;

    private bool UsersShown => _usersShown ?? Columns >= UsersPanelMinColumns;

    private bool RoomsShown => _roomsShown ?? Columns >= RoomsPanelMinColumns;

    private int RoomsPanelWidth()
    {
        if (!RoomsShown)
        {
            return 0;
        }

        var cap = Columns >= WideColumns ? 30 : Columns >= UsersPanelMinColumns ? 20 : 16;

        // The title ("▶ Rooms (12)" when focused) fits between the corners and the ┤ ├ around it, within the cap.
        var title = Math.Min(cap, (_frameTitles.GetValueOrDefault(_roomsFrame) ?? "Rooms").GetColumns() + FocusMark.GetColumns() + 4);
        return Math.Max(title, PanelWidth(_rooms, cap));
    }

    private int UsersPanelWidth()
    {
        if (!UsersShown)
        {
            return 0;
        }

        // The title ("Users (12)") must fit between its corners and the ┤ ├ around it.
        var title = (_usersFrame.Title ?? "").GetColumns() + 4;
        return Math.Max(title, PanelWidth(_users, Columns >= WideColumns ? 30 : 20));
    }

    /// <summary>Wide enough for the longest entry plus the frame (and the title), at most <paramref name="cap"/>.</summary>
    private static int PanelWidth(IEnumerable<string> entries, int cap)
    {
        const int Frame = 2;
        const int Narrowest = 12; // "Users (12)" with its frame
        var longest = entries.Select(e => e.GetColumns()).DefaultIfEmpty(0).Max();
        return Math.Clamp(longest + Frame, Narrowest, cap);
    }

    private void TogglePanel(bool users)
    {
        if (users)
        {
            _usersShown = !UsersShown;
        }
        else
        {
            _roomsShown = !RoomsShown;
        }

        ShowPanels();
    }

    /// <summary>Folded panels are hidden, not just zero wide, so Tab skips them.</summary>
    private void ShowPanels()
    {
        _usersFrame.Visible = UsersShown;
        _roomsFrame.Visible = RoomsShown;
        SetNeedsLayout();
    }

    private void SetFrameTitle(FrameView frame, string title)
    {
        _frameTitles[frame] = title;
        frame.Title = FrameHasFocus(frame) ? FocusMark + title : title;
    }

    private bool FrameHasFocus(FrameView frame)
        => ReferenceEquals(frame, _roomsFrame) ? _roomList.HasFocus : ReferenceEquals(frame, _messagesFrame) && _messages.HasFocus;

    /// <summary>The area with the focus gets a double border and a mark in its title; the input shows its cursor.</summary>
    private void MarkFocus()
    {
        foreach (var frame in new[] { _roomsFrame, _messagesFrame })
        {
            var focused = FrameHasFocus(frame);
            frame.BorderStyle = focused ? LineStyle.Double : _frameStyle;
            if (_frameTitles.TryGetValue(frame, out var title))
            {
                frame.Title = focused ? FocusMark + title : title;
            }
        }
    }
}
