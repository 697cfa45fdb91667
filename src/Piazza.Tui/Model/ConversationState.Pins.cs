namespace Piazza.Tui;

/// <summary>Which messages of the conversation are pinned (ids), so their lines carry the mark, also when they arrive later.</summary>
internal sealed partial class ConversationState
{
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);

    public bool IsPinned(string? messageId) => messageId is not null && _pinned.Contains(messageId);

    /// <summary>Takes the pinned ids of a room frame; true when a held line changed.</summary>
    public bool RestorePins(IEnumerable<string> messageIds)
    {
        _pinned.Clear();
        _pinned.UnionWith(messageIds);
        return MarkPinnedLines();
    }

    /// <summary>Pins or unpins a message; true when a held line changed.</summary>
    public bool SetPinned(string messageId, bool pinned)
    {
        if (pinned)
        {
            _pinned.Add(messageId);
        }
        else
        {
            _pinned.Remove(messageId);
        }

        return MarkPinnedLines();
    }

    /// <summary>A line as held: marked when its message is pinned.</summary>
    private ChatLine WithPinMark(ChatLine line) => line.Pinned == IsPinned(line.MessageId) ? line : line with { Pinned = !line.Pinned };

    private bool MarkPinnedLines()
    {
        var changed = false;
        for (var i = 0; i < _lines.Count; i++)
        {
            var marked = WithPinMark(_lines[i]);
            if (!ReferenceEquals(marked, _lines[i]))
            {
                _lines[i] = marked;
                changed = true;
            }
        }

        return changed;
    }
}
