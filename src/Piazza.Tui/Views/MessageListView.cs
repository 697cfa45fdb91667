using System.Globalization;
using Terminal.Gui.Drawing;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Text;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Piazza.Tui;

/// <summary>
/// The message list: chat lines wrapped into screen rows, pinned to the newest row while following, left where the
/// user put it once they scroll up (then a marker on the bottom row counts what arrived below). Owns its scroll
/// state instead of a ListView's selection, so a resize, a rewrap or older lines arriving never move what is shown.
/// </summary>
internal sealed partial class MessageListView : View
{
    /// <summary>Rows one mouse wheel notch scrolls, as most terminals' scrollback does.</summary>
    private const int WheelRows = 3;

    private readonly List<ChatLine> _lines = [];
    private readonly List<ChatRow> _rows = [];
    private int _wrapWidth;
    private int _top;
    private bool _follow = true;

    public MessageListView()
    {
        CanFocus = true;
        TabStop = TabBehavior.TabStop;
    }

    /// <summary>The user scrolled to the very top (or tried to go above it): time to load older lines.</summary>
    public event Action? ReachedTop;

    /// <summary>Whether a line names the user (drawn highlighted); none without it.</summary>
    public Func<ChatLine, bool>? IsMention { get; set; }

    /// <summary>The user scrolled (keys, wheel, or a command): what is in view changed.</summary>
    public event Action? Scrolled;

    /// <summary>The newest message seq with a row in view (what the user can see now); 0 when none is.</summary>
    public long NewestVisibleSeq
    {
        get
        {
            var shown = !_follow && Viewport.Height > 1 ? Viewport.Height - 1 : Viewport.Height;
            long newest = 0;
            for (var i = Top; i < Math.Min(_rows.Count, Top + Math.Max(0, shown)); i++)
            {
                newest = Math.Max(newest, _rows[i].Line.Seq ?? 0);
            }

            return newest;
        }
    }

    /// <summary>Whether the list stays on the newest row as lines arrive (the user has not scrolled up).</summary>
    public bool Following => _follow;

    /// <summary>Messages that arrived below the view since the user scrolled up; 0 while following.</summary>
    public int Unseen { get; private set; }

    /// <summary>The first row shown.</summary>
    public int Top
    {
        get
        {
            var max = MaxTop;
            return _follow ? max : Math.Min(_top, max);
        }
    }

    /// <summary>All rows as wrapped for the current width, for tests.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The text of the rows in view (the marker excluded), for tests.</summary>
    public IEnumerable<string> VisibleRows => _rows.Skip(Top).Take(Math.Max(0, Viewport.Height)).Select(r => r.Text);

    private int MaxTop => Math.Max(0, _rows.Count - Math.Max(1, Viewport.Height));

    /// <summary>Shows <paramref name="lines"/> from their newest row (another conversation, or the first fill).</summary>
    public void Show(IEnumerable<ChatLine> lines)
    {
        _lines.Clear();
        _lines.AddRange(lines);
        Rewrap();
        _follow = true;
        Unseen = 0;
        SetNeedsDraw();
    }

    /// <summary>Replaces the lines (older ones were inserted), keeping the row at the top of the view where it is.</summary>
    public void Replace(IEnumerable<ChatLine> lines)
    {
        var anchor = Anchor();
        _lines.Clear();
        _lines.AddRange(lines);
        Rewrap();
        Restore(anchor);
        SetNeedsDraw();
    }

    /// <summary>Adds a line at the bottom; counts it as unseen when the user is reading further up.</summary>
    public void Append(ChatLine line)
    {
        AddRows(line, _lines.Count > 0 ? _lines[^1] : null);
        _lines.Add(line);

        if (!_follow && line.Kind is ChatLineKind.Message or ChatLineKind.OwnMessage)
        {
            Unseen++;
        }

        SetNeedsDraw();
    }

    /// <summary>Drops the lines before <paramref name="first"/> (the conversation's limit); the view stays on what it shows.</summary>
    public void DropBefore(ChatLine? first)
    {
        var dropped = _lines.TakeWhile(l => !ReferenceEquals(l, first)).Count();
        if (dropped == 0)
        {
            return;
        }

        _lines.RemoveRange(0, dropped);
        var rows = 0;
        while (rows < _rows.Count && !ReferenceEquals(_rows[rows].Line, first))
        {
            rows++;
        }

        _rows.RemoveRange(0, rows);
        _top = Math.Max(0, _top - rows);
        SetNeedsDraw();
    }

    /// <summary>Scrolls by <paramref name="rows"/> (negative: up, towards older lines), as the user does.</summary>
    public void ScrollBy(int rows)
    {
        var from = Top;
        _top = Math.Clamp(from + rows, 0, MaxTop);
        _follow = _top >= MaxTop;
        if (_follow)
        {
            Unseen = 0;
        }

        SetNeedsDraw();
        Scrolled?.Invoke();
        if (rows < 0 && _top == 0)
        {
            ReachedTop?.Invoke();
        }
    }

    /// <summary>Scrolls one page less a row, so the last row read stays in view.</summary>
    public void ScrollPage(int pages) => ScrollBy(pages * Math.Max(1, Viewport.Height - 1));

    /// <summary>Back to the newest row, following again.</summary>
    public void ScrollToEnd() => ScrollBy(int.MaxValue / 2);

    protected override bool OnKeyDown(Key key)
    {
        int? rows = key.KeyCode switch
        {
            KeyCode.CursorUp => -1,
            KeyCode.CursorDown => 1,
            KeyCode.PageUp => -Math.Max(1, Viewport.Height - 1),
            KeyCode.PageDown => Math.Max(1, Viewport.Height - 1),
            KeyCode.Home => -(int.MaxValue / 2),
            KeyCode.End => int.MaxValue / 2,
            _ => null,
        };
        if (rows is not { } by)
        {
            return false;
        }

        ScrollBy(by);
        return true;
    }

    /// <summary>The wheel scrolls wherever the focus is: the input keeps it.</summary>
    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (mouse.Flags.HasFlag(MouseFlags.WheeledUp))
        {
            ScrollBy(-WheelRows);
            return true;
        }

        if (mouse.Flags.HasFlag(MouseFlags.WheeledDown))
        {
            ScrollBy(WheelRows);
            return true;
        }

        return false;
    }

    protected override void OnViewportChanged(DrawEventArgs e)
    {
        base.OnViewportChanged(e);
        if (Viewport.Width > 0 && Viewport.Width != _wrapWidth)
        {
            var anchor = Anchor();
            Rewrap();
            Restore(anchor);
        }
    }

    private void Rewrap()
    {
        _wrapWidth = Math.Max(0, Viewport.Width);
        _rows.Clear();
        ChatLine? previous = null;
        foreach (var line in _lines)
        {
            AddRows(line, previous);
            previous = line;
        }
    }

    /// <summary>A line's rows, after a day's heading when the date changes (history reaches back over days).</summary>
    private void AddRows(ChatLine line, ChatLine? previous)
    {
        if (previous is not null && previous.Time.Date != line.Time.Date)
        {
            _rows.Add(new ChatRow(line, line.Time.ToString("'─── 'dddd d MMMM yyyy' ───'", CultureInfo.InvariantCulture), Day: true));
        }

        if (line.Quote is { } quote)
        {
            _rows.Add(new ChatRow(line, LineWrapper.Wrap(new string(' ', ChatLine.TextColumn) + Piazza.Protocol.PrintableText.Escape(quote), _wrapWidth, ChatLine.TextColumn)[0], Quote: true));
        }

        var first = true;
        foreach (var row in LineWrapper.StyledRows(line, _wrapWidth))
        {
            _rows.Add(new ChatRow(line, row.Text, First: first) { Style = row.Style, StyleFrom = row.StyleFrom });
            first = false;
        }
    }

    /// <summary>The line at the top of the view and how many of its rows are above the view; null while following.</summary>
    private (ChatLine Line, int Offset)? Anchor()
    {
        var top = Top;
        if (_follow || top >= _rows.Count)
        {
            return null;
        }

        var line = _rows[top].Line;
        var offset = 0;
        while (top - offset - 1 >= 0 && ReferenceEquals(_rows[top - offset - 1].Line, line))
        {
            offset++;
        }

        return (line, offset);
    }

    private void Restore((ChatLine Line, int Offset)? anchor)
    {
        if (anchor is not { } a)
        {
            return;
        }

        var index = _rows.FindIndex(r => ReferenceEquals(r.Line, a.Line));
        if (index < 0)
        {
            return;
        }

        var rows = _rows.Skip(index).TakeWhile(r => ReferenceEquals(r.Line, a.Line)).Count();
        _top = index + Math.Min(a.Offset, rows - 1);
    }

    /// <summary>One screen row: a whole line or a wrapped part of one.</summary>
    private sealed record ChatRow(ChatLine Line, string Text, bool First = false, bool Day = false, bool Quote = false)
    {
        /// <summary>A code fence or a code block's line (issue 15): drawn in its own colour from <see cref="StyleFrom"/>.</summary>
        public TextLineStyle Style { get; init; }

        public int StyleFrom { get; init; }
    }
}
