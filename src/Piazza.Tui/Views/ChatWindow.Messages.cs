using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>The message list bound to the chat state: the current conversation's lines, scrollback, loading older lines.</summary>
internal sealed partial class ChatWindow
{
    private readonly MessageListView _messages;
    private readonly FrameView _messagesFrame;

    /// <summary>The first message row in view, for tests.</summary>
    internal int MessagesTop => _messages.Top;

    /// <summary>Whether the message list follows new lines (the user has not scrolled up), for tests.</summary>
    internal bool MessagesFollowing => _messages.Following;

    /// <summary>The message rows in view, for tests.</summary>
    internal IReadOnlyList<string> VisibleMessageRows => [.. _messages.VisibleRows];

    /// <summary>Scrolls the message list as PgUp/PgDn would; scrolling up stops following new lines.</summary>
    internal void ScrollMessages(int rows) => _messages.ScrollBy(rows);

    private void OnLineAdded(ConversationState conversation, ChatLine line, bool history)
    {
        if (!ReferenceEquals(conversation, _state.Current))
        {
            return;
        }

        _messages.Append(line);

        // Rows of lines the conversation dropped (beyond its limit) are at the front.
        _messages.DropBefore(conversation.Lines.Count > 0 ? conversation.Lines[0] : null);

        // What the user just sent (or a command's answer) is what they want to see, as in irssi and weechat.
        if (!history && line.Kind is ChatLineKind.OwnMessage or ChatLineKind.Error)
        {
            _messages.ScrollToEnd();
        }

        ReportSeen();
    }

    /// <summary>Older lines were inserted: the line at the top of the view stays where it was.</summary>
    private void OnLinesReplaced(ConversationState conversation)
    {
        if (ReferenceEquals(conversation, _state.Current))
        {
            _messages.Replace(conversation.Lines);
        }
    }

    private void ShowCurrentLines()
    {
        _messages.Show(_state.Current.Lines);
        ReportSeen();
    }

    /// <summary>
    /// A message from someone else that mentions the user: the server lists it (an <c>@name</c> of a member, issue 14),
    /// so the highlight, the mention counts and the bell agree.
    /// </summary>
    private static bool Mentions(ChatLine line) => line.Kind == ChatLineKind.Message && line.MentionsMe;
}
