using Piazza.Client;

namespace Piazza.Tui;

/// <summary>
/// Messages typed while the connection is down: shown at once as pending (dimmed, "… sending") while the client
/// library holds them for the next connection, then replaced by the message itself when its echo or its
/// acknowledgement arrives, at the message's place; a send that fails loses its pending line (its error line says why).
/// </summary>
internal sealed partial class ChatState
{
    /// <summary>What a pending line shows after the text.</summary>
    public const string PendingMarker = "  … sending";

    private readonly List<PendingSend> _pendingSends = [];

    /// <summary>Whether sends made while not connected are shown as pending lines (the window; not <c>--plain</c>, which prints only what the server confirmed).</summary>
    public bool ShowsPendingSends { get; set; }

    /// <summary>When the client tries to reconnect next (its clock), while reconnecting; null otherwise.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Why the server removed us ("you were kicked from the server by alice: spam"), until the next welcome; null when it did not.</summary>
    public string? RemovedFromServer { get; private set; }

    /// <summary>The sends still shown as pending, for tests.</summary>
    internal int PendingCount => _pendingSends.Count;

    /// <summary>
    /// Shows a message about to be sent to <paramref name="conversation"/> as pending when the connection is down
    /// (it may take a while); returns null when it is not shown (connected: the echo comes at once).
    /// </summary>
    public PendingSend? AddPending(ConversationState conversation, string text)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(text);
        if (!ShowsPendingSends || Connection == ConnectionState.Connected)
        {
            return null;
        }

        var line = new ChatLine(_now(), ChatLineKind.OwnMessage, Self, text + PendingMarker) { Pending = true };
        var pending = new PendingSend(conversation, text, line);
        _pendingSends.Add(pending);
        AddLine(conversation, line);
        return pending;
    }

    /// <summary>The send was acknowledged: its pending line becomes the message (unless its echo did that already).</summary>
    public void ConfirmPending(PendingSend? pending, SentMessage sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        Confirm(pending, sent.Seq, sent.MessageId, null);
    }

    private void Confirm(PendingSend? pending, long seq, string messageId, DateTime? at)
    {
        if (pending is null || !_pendingSends.Remove(pending))
        {
            return;
        }

        var conversation = pending.Conversation;
        conversation.RemoveLine(pending.Line);
        var confirmed = pending.Line with { Time = at ?? pending.Line.Time, Text = pending.Text, Pending = false, Seq = seq, MessageId = messageId };
        conversation.AddMessage(confirmed, out _); // false when the echo came in unrecognised: then it stands alone
        LinesReplaced?.Invoke(conversation);
    }

    /// <summary>The send is over: a line still pending (the send failed) is removed.</summary>
    public void SettlePending(PendingSend? pending)
    {
        if (pending is null || !_pendingSends.Remove(pending))
        {
            return;
        }

        pending.Conversation.RemoveLine(pending.Line);
        LinesReplaced?.Invoke(pending.Conversation);
    }

    /// <summary>Our own message arrived: if it is a pending one (same conversation and text, oldest first), it takes that line's place.</summary>
    private bool ConfirmPendingByEcho(ConversationState conversation, ChatMessage message)
    {
        var pending = _pendingSends.Find(p => ReferenceEquals(p.Conversation, conversation) && string.Equals(p.Text, message.Text, StringComparison.Ordinal));
        if (pending is null || message.File is not null)
        {
            return false;
        }

        Confirm(pending, message.Seq, message.Id, TimeOf(message.At));
        return true;
    }

    /// <summary>A message shown before the server confirmed it.</summary>
    internal sealed record PendingSend(ConversationState Conversation, string Text, ChatLine Line);
}
