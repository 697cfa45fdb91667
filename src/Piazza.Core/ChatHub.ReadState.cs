namespace Piazza.Core;

/// <summary>The facade's read-state calls (docs/protocol.md, "Read state").</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Stores the account's read position in a room it is in or a private conversation of its own (never backwards; a
    /// guest's is kept for its session) and tells its other connections. Answers the conversation's name and the
    /// position stored now, which is higher than <paramref name="seq"/> when a higher one was stored before.
    /// </summary>
    public Task<HubResult<(string Room, long Seq)>> MarkReadAsync(ChatSession session, string? room, long? seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _readState.MarkReadAsync(session, room, seq, cancellationToken);
    }

    /// <summary>The read state (newest seq, read, unread, mentions) of the user's rooms and recent private conversations.</summary>
    public Task<IReadOnlyList<ReadCounts>> ConversationsAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _readState.ConversationsAsync(session, cancellationToken);
    }
}
