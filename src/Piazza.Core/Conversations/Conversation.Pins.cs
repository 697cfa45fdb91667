using Piazza.Core.Pins;
using Piazza.Core.Storage;

namespace Piazza.Core.Conversations;

/// <summary>
/// The conversation's pinned messages (docs/protocol.md, "Pins"), newest pin first: loaded with the conversation, so a
/// <c>room</c> frame lists them without a store read, and changed under the lock together with the notice to listeners.
/// </summary>
internal abstract partial class Conversation
{
    // Newest first; at most PinRules.MaxPins entries (the store enforces the limit). Under Gate.
    private readonly List<(long Seq, string MessageId)> _pins = [];

    /// <summary>Takes the stored pins (newest first) when the conversation loads, or again after the bus was cut off.</summary>
    public void RestorePins(IReadOnlyList<PinRecord> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        lock (Gate)
        {
            _pins.Clear();
            _pins.AddRange(newestFirst.Select(p => (p.Seq, p.MessageId)));
        }
    }

    /// <summary>Ids of the pinned messages, newest pin first.</summary>
    public IReadOnlyList<string> PinnedIds
    {
        get
        {
            lock (Gate)
            {
                return PinnedIdsLocked();
            }
        }
    }

    /// <summary>Whether message <paramref name="seq"/> is pinned (as this node knows it).</summary>
    public bool IsPinned(long seq)
    {
        lock (Gate)
        {
            return _pins.Exists(p => p.Seq == seq);
        }
    }

    /// <summary>
    /// Pins or unpins a message and, when that changed the list, tells every listener <paramref name="notice"/> under
    /// the same lock (an entering connection sees either the old list and the notice, or the new list). Repeats change nothing.
    /// </summary>
    public bool SetPinned(long seq, string messageId, PinEvent notice, List<ChatSession> overflowed)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (Gate)
        {
            var index = _pins.FindIndex(p => p.Seq == seq);
            if (notice.Pinned == index >= 0)
            {
                return false;
            }

            if (notice.Pinned)
            {
                _pins.Insert(0, (seq, messageId));
            }
            else
            {
                _pins.RemoveAt(index);
            }

            foreach (var listener in Listeners)
            {
                Enqueue(listener, notice, overflowed);
            }

            return true;
        }
    }

    /// <summary>The pinned ids for a state frame; caller holds the lock.</summary>
    protected IReadOnlyList<string> PinnedIdsLocked() => _pins.Count == 0 ? [] : [.. _pins.Select(p => p.MessageId)];
}
