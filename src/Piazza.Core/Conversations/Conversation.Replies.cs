using Piazza.Core.Replies;

namespace Piazza.Core.Conversations;

/// <summary>Replies in memory: finding the replied message in the recent ring, and keeping held quotes current.</summary>
internal abstract partial class Conversation
{
    /// <summary>
    /// The ring's copy of message <paramref name="messageId"/> (deleted or not) if it is still held; null otherwise
    /// (then the store has it, or nobody does). Read-only, under the lock; a scan of at most 256 slots.
    /// </summary>
    public MessageEvent? FindHeld(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        lock (Gate)
        {
            foreach (var kept in _recent)
            {
                if (kept is not null && string.Equals(kept.Id, messageId, StringComparison.Ordinal))
                {
                    return kept;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Message <paramref name="messageId"/> changed: held replies quoting it now quote <paramref name="newText"/>
    /// (null: it was deleted, so they quote no text and say so), as history built from the store would.
    /// </summary>
    public void RefreshQuotes(string messageId, string? newText)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        AmendAllHeld(kept => kept.Reply is { } quote && string.Equals(quote.MessageId, messageId, StringComparison.Ordinal)
            ? kept.WithReply(quote.Following(newText))
            : kept);
    }
}
