namespace Piazza.Tui;

/// <summary>Edits of the messages held.</summary>
internal sealed partial class ConversationState
{
    /// <summary>Replaces the message line <paramref name="seq"/> (if held and not deleted) by what <paramref name="change"/> makes of it.</summary>
    public bool ReplaceMessage(long seq, Func<ChatLine, ChatLine> change)
    {
        var index = _lines.FindIndex(l => l.Seq == seq && l.MessageId is not null);
        if (index < 0 || _lines[index].Deleted)
        {
            return false;
        }

        _lines[index] = change(_lines[index]);
        return true;
    }
}
