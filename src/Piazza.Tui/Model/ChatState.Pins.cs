using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Pins: a room frame's pinned ids, and pinned/unpinned said as a line and shown as the mark on the message's line.</summary>
internal sealed partial class ChatState
{
    private void ApplyPinned(ConversationState room, IReadOnlyList<string> pinned)
    {
        if (room.RestorePins(pinned))
        {
            LinesReplaced?.Invoke(room);
        }
    }

    private void ApplyPins(PiazzaEvent e)
    {
        switch (e)
        {
            case MessagePinned p:
                ApplyPin(p.Conversation, p.Seq, p.MessageId, p.By, p.At, pinned: true);
                break;
            case MessageUnpinned u:
                ApplyPin(u.Conversation, u.Seq, u.MessageId, u.By, u.At, pinned: false);
                break;
        }
    }

    private void ApplyPin(string conversation, long seq, string messageId, string? by, DateTimeOffset? at, bool pinned)
    {
        if (Find(conversation) is not { } holder)
        {
            return;
        }

        if (holder.SetPinned(messageId, pinned))
        {
            LinesReplaced?.Invoke(holder);
        }

        AddLine(holder, new ChatLine(TimeOf(at), ChatLineKind.System, by, $"{by ?? "someone"} {(pinned ? "pinned" : "unpinned")} #{seq}"));
    }
}
