using System.Collections.ObjectModel;
using Terminal.Gui.Drawing;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Piazza.Tui;

/// <summary>The message list: lines wrapped into rows, following new lines until the user scrolls up, scrollback.</summary>
internal sealed partial class ChatWindow
{
    private readonly ObservableCollection<ChatRow> _lines = [];
    private readonly ListView _messages;
    private readonly FrameView _messagesFrame;
    private bool _follow = true;
    private bool _rebuilding;
    private int _wrapWidth;

    /// <summary>The first message row in view, for tests.</summary>
    internal int MessagesTop => _messages.Viewport.Y;

    /// <summary>Scrolls the message list as PgUp/PgDn would; scrolling up stops following new lines.</summary>
    internal void ScrollMessages(int rows) => _messages.ScrollVertical(rows);

    private void OnLineAdded(ConversationState conversation, ChatLine line, bool history)
    {
        if (!ReferenceEquals(conversation, _state.Current))
        {
            return;
        }

        var follow = _follow || IsAtBottom();
        AddRows(line);

        // Rows of lines the conversation dropped (beyond its limit) are at the front.
        var first = conversation.Lines.Count > 0 ? conversation.Lines[0] : null;
        while (_lines.Count > 0 && !ReferenceEquals(_lines[0].Line, first))
        {
            _lines.RemoveAt(0);
        }

        _follow = follow;
        FollowIfNeeded();
    }

    /// <summary>Older lines were inserted: rebuild, keeping the line at the top of the view where it was.</summary>
    private void OnLinesReplaced(ConversationState conversation)
    {
        if (!ReferenceEquals(conversation, _state.Current))
        {
            return;
        }

        var top = _messages.Viewport.Y;
        var anchor = top < _lines.Count ? _lines[top].Line : null;
        var offset = 0;
        while (anchor is not null && top - offset - 1 >= 0 && ReferenceEquals(_lines[top - offset - 1].Line, anchor))
        {
            offset++;
        }

        var follow = _follow;
        RebuildRows();
        if (!follow && anchor is not null)
        {
            var index = _lines.IndexOf(_lines.FirstOrDefault(r => ReferenceEquals(r.Line, anchor))!);
            if (index >= 0)
            {
                _rebuilding = true;
                _messages.Viewport = _messages.Viewport with { Y = index + offset };
                _rebuilding = false;
                _follow = false;
            }
        }
    }

    private void RebuildRows()
    {
        _rebuilding = true;
        try
        {
            Empty(_lines);
            foreach (var line in _state.Current.Lines)
            {
                AddRows(line);
            }

            FollowIfNeeded();
        }
        finally
        {
            _rebuilding = false;
        }
    }

    private void OnMessagesScrolled()
    {
        if (_rebuilding)
        {
            return;
        }

        _follow = IsAtBottom();
        if (_messages.Viewport.Y == 0 && _lines.Count > _messages.Viewport.Height && _messages.Viewport.Height > 0)
        {
            _controller.LoadOlder(_state.Current);
        }
    }

    /// <summary>Adds the rows of one line, wrapped to the list's width under the text column.</summary>
    private void AddRows(ChatLine line)
    {
        foreach (var row in LineWrapper.Wrap(line.ToString(), _wrapWidth, ChatLine.TextColumn))
        {
            _lines.Add(new ChatRow(line, row));
        }
    }

    /// <summary>Re-wraps every line when the width changes (terminal resized).</summary>
    private void OnMessagesResized()
    {
        var width = _messages.Viewport.Width;
        if (width > 0 && width != _wrapWidth)
        {
            var follow = _follow || IsAtBottom();
            _wrapWidth = width;
            RebuildRows();
            _follow = follow;
        }

        FollowIfNeeded();
    }

    private bool IsAtBottom() => _messages.Viewport.Height <= 0 || _messages.Viewport.Y + _messages.Viewport.Height >= _lines.Count;

    private void FollowIfNeeded()
    {
        var height = _messages.Viewport.Height;
        if (!_follow || height <= 0)
        {
            return;
        }

        var top = Math.Max(0, _lines.Count - height);
        if (_messages.Viewport.Y != top)
        {
            _messages.Viewport = _messages.Viewport with { Y = top };
        }

        _follow = true;
    }

    private void OnMessageRowRender(object? sender, ListViewRowEventArgs e)
    {
        if (e.Row < 0 || e.Row >= _lines.Count)
        {
            return;
        }

        var background = _messages.GetAttributeForRole(VisualRole.Normal).Background;
        ColorName16? foreground = _lines[e.Row].Line.Kind switch
        {
            ChatLineKind.OwnMessage when _lines[e.Row].Line.Pending => ColorName16.DarkGray,
            ChatLineKind.OwnMessage => ColorName16.BrightCyan,
            ChatLineKind.Error => ColorName16.BrightRed,
            ChatLineKind.Joined or ChatLineKind.Left or ChatLineKind.System => ColorName16.DarkGray,
            _ => null,
        };
        if (foreground is { } color)
        {
            e.RowAttribute = new Attribute(new Color(color), background);
        }
    }

    /// <summary>One screen row of the message list: a whole line or a wrapped part of one.</summary>
    private sealed record ChatRow(ChatLine Line, string Text)
    {
        public override string ToString() => Text;
    }
}
