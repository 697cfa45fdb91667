namespace Piazza.Core.Storage;

/// <summary>
/// Everything the hub persists, behind one port so a store (SQLite by default, PostgreSQL later) can be swapped
/// without touching the doors. Implementations must be safe for concurrent callers.
/// </summary>
public interface IChatStore : IAccountStore, IRoomStore, IMessageStore, ISequencingStore, IFileStore, IModerationStore, IInvitationStore, IReadStateStore, IEditStore, IReactionStore, IPinStore, ISearchStore, ITokenStore, IWebhookStore, IExportStore, IAdminStore, IRetentionStore, IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Called once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>How much the store holds now (the operator console's <c>stats</c>); each figure is counted, so it costs a scan.</summary>
    Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>Accounts and their session tokens. Keys are folded names; tokens are stored only as hashes.</summary>
public interface IAccountStore
{
    Task<AccountRecord?> FindAccountAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates an account; false when the key is already taken.</summary>
    Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default);

    /// <summary>
    /// The name of an account whose name has <paramref name="skeleton"/> (<see cref="NameSkeleton"/>) and whose key
    /// is not <paramref name="exceptKey"/>; null when none. The store derives each account's skeleton from its name.
    /// </summary>
    Task<string?> FindConfusableAccountAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default);

    Task UpdatePasswordAsync(string key, string passwordHash, CancellationToken cancellationToken = default);

    Task AddTokenAsync(byte[] tokenHash, string accountKey, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The account key of a token that exists, is not revoked and has not expired at <paramref name="now"/>; otherwise null.</summary>
    Task<string?> FindTokenAccountAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task RevokeTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Revokes every token of an account (after a password change).</summary>
    Task RevokeAllTokensAsync(string accountKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of tokens that have expired at <paramref name="now"/> or were revoked (they can never be used again); returns how many.</summary>
    Task<int> PruneTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>Rooms, topics and the room memberships of registered accounts.</summary>
public interface IRoomStore
{
    Task<RoomRecord?> FindRoomAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates a room; false when the key exists.</summary>
    Task<bool> TryCreateRoomAsync(RoomRecord room, CancellationToken cancellationToken = default);

    /// <summary>The name of a room whose name has <paramref name="skeleton"/> and whose key is not <paramref name="exceptKey"/>; null when none.</summary>
    Task<string?> FindConfusableRoomAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default);

    Task SetTopicAsync(string key, string? topic, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> rooms whose key sorts after <paramref name="afterKey"/> (all when null), ordered
    /// by key (ordinal), each with its number of stored (registered) members: one page of the room list.
    /// </summary>
    Task<IReadOnlyList<RoomSummary>> ListRoomsAsync(string? afterKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a room with everything kept for it: messages, file shares, memberships, roles, mutes, room bans.</summary>
    Task DeleteRoomAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every room a guest created (<see cref="RoomRecord.CreatedByGuest"/>), as <see cref="DeleteRoomAsync"/> does; returns how many.</summary>
    Task<int> DeleteGuestRoomsAsync(CancellationToken cancellationToken = default);

    /// <summary>A guest who created a room registered: the account owns it now, and it is kept like any other room.</summary>
    Task ClaimRoomAsync(string key, string ownerAccountKey, CancellationToken cancellationToken = default);

    /// <summary>Adds a membership; adding an existing one is not an error.</summary>
    Task AddMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default);

    /// <summary>Removes a membership; removing a missing one is not an error.</summary>
    Task RemoveMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default);

    /// <summary>The keys of the rooms an account is a member of, ordered by key.</summary>
    Task<IReadOnlyList<string>> RoomsOfAsync(string accountKey, CancellationToken cancellationToken = default);
}

/// <summary>The message history of every conversation (rooms and private conversations).</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends messages in one transaction: all of them or none, durable when the task completes.
    /// Within a conversation the seqs arrive in increasing order with no gaps.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default);

    /// <summary>The highest stored seq of a conversation, 0 when it has none.</summary>
    Task<long> LastSeqAsync(string conversation, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> messages with seq greater than <paramref name="afterSeq"/>, in seq order.</summary>
    Task<IReadOnlyList<StoredMessage>> ReadAfterAsync(string conversation, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The (up to) <paramref name="limit"/> messages just before <paramref name="beforeSeq"/>, in seq order.</summary>
    Task<IReadOnlyList<StoredMessage>> ReadBeforeAsync(string conversation, long beforeSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The message an account sent to <paramref name="conversation"/> with a client-chosen id, for idempotent retries
    /// (an id is scoped per account and conversation); null when none.
    /// </summary>
    Task<StoredMessage?> FindByClientIdAsync(string conversation, string accountKey, string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The private conversation ids (<c>@a,b</c>) an account takes part in, most recently active first, at most
    /// <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<string>> ConversationsOfAsync(string accountKey, int limit, CancellationToken cancellationToken = default);
}
