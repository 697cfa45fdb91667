namespace Piazza.Core.Storage;

/// <summary>
/// Read positions of accounts in conversations, and the counts computed from them (docs/protocol.md, "Read state").
/// Every count is a few indexed range reads, whatever the conversation's length: unread is the span after the position
/// less the reader's own messages and others' deleted ones there; mentions are rows of the mentions index.
/// </summary>
public interface IReadStateStore
{
    /// <summary>Every stored read position of an account, by conversation key.</summary>
    Task<IReadOnlyDictionary<string, long>> ReadPositionsAsync(string accountKey, CancellationToken cancellationToken = default);

    /// <summary>Stores an account's read position unless the stored one is higher; returns the position stored now.</summary>
    Task<long> MarkReadAsync(string accountKey, string conversation, long seq, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each point: the conversation's newest stored seq, the messages after <see cref="ReadPoint.After"/> not sent
    /// by <paramref name="readerKey"/> and not deleted, and those of them that mention it (by key or <c>@room</c>).
    /// </summary>
    Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string readerKey, IReadOnlyList<ReadPoint> points, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="accountKeys"/> that are stored members of a room.</summary>
    Task<IReadOnlyList<string>> MembersAmongAsync(string roomKey, IReadOnlyList<string> accountKeys, CancellationToken cancellationToken = default);

    /// <summary>How many accounts are stored members of a room.</summary>
    Task<int> MemberCountAsync(string roomKey, CancellationToken cancellationToken = default);
}

/// <summary>A conversation and the seq a reader has read up to.</summary>
public sealed record ReadPoint(string Conversation, long After);

/// <summary>What <see cref="IReadStateStore.CountUnreadAsync"/> answers for one conversation.</summary>
public sealed record UnreadCount(string Conversation, long Seq, long Unread, long Mentions);
