namespace Piazza.Core.Storage;

/// <summary>
/// Reads for exports (docs/backup.md): one account's own messages and files in pages, so an export of any size streams.
/// A room's history is read with <see cref="IMessageStore.ReadAfterAsync"/>.
/// </summary>
public interface IExportStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> messages the account sent, in every conversation, ordered by conversation key
    /// (ordinal) then seq, after the position <paramref name="after"/> (from the first when null).
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> MessagesOfSenderAsync(string accountKey, MessagePosition? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> files the account uploaded, ordered by id (ordinal), after <paramref name="afterId"/> (from the first when null).</summary>
    Task<IReadOnlyList<FileRecord>> FilesOfOwnerAsync(string owner, string? afterId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A message's place in the store: its conversation key and seq (a cursor of <see cref="IExportStore.MessagesOfSenderAsync"/>).</summary>
public sealed record MessagePosition(string Conversation, long Seq);
