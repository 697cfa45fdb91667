namespace Piazza.Core.Conversations;

/// <summary>
/// A stored message changed after delivery (deleted, edited, reacted to, …): the in-memory copy in the recent ring is
/// replaced, so later attachers see it as history does, and everyone listening hears the notice. One path for every
/// kind of change, run on the acting node and, through a cluster signal, on the others.
/// </summary>
internal abstract partial class Conversation
{
    /// <summary>
    /// Replaces the ring's copy of message <paramref name="seq"/> (if still held) with <paramref name="change"/> of
    /// it, and queues <paramref name="notice"/> to every listener; both under the lock, so no attacher sees one without the other.
    /// </summary>
    public void Amend(long seq, Func<MessageEvent, MessageEvent>? change, ChatEvent notice, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            if (change is not null)
            {
                AmendHeldLocked(seq, change);
            }

            foreach (var listener in Listeners)
            {
                Enqueue(listener, notice, overflowed);
            }
        }
    }

    /// <summary>A stored message was deleted: the in-memory copy loses its text and everyone listening hears <paramref name="deleted"/>.</summary>
    public void MarkDeleted(long seq, string by, DeletedEvent deleted, List<ChatSession> overflowed)
        => Amend(seq, kept => kept.AsDeleted(by), deleted, overflowed);

    /// <summary>
    /// Replaces every held message by what <paramref name="change"/> returns for it (the same instance when it is
    /// untouched), e.g. replies quoting an edited message. The ring is small (256), so a scan is cheap.
    /// </summary>
    public void AmendAllHeld(Func<MessageEvent, MessageEvent> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (Gate)
        {
            for (var i = 0; i < _recent.Length; i++)
            {
                if (_recent[i] is { } kept)
                {
                    _recent[i] = change(kept);
                }
            }
        }
    }

    private void AmendHeldLocked(long seq, Func<MessageEvent, MessageEvent> change)
    {
        var slot = seq % RecentCapacity;
        if (_recent[slot] is { } kept && kept.Seq == seq)
        {
            _recent[slot] = change(kept);
        }
    }
}
