namespace Piazza.Core.Storage;

/// <summary>
/// Edits of stored messages (docs/protocol.md, "Edit"): the message row takes the new text, its mentions and
/// <c>edited_at</c>, and the text it replaces is kept as a version, for moderators. A deletion
/// (<see cref="IModerationStore.MarkDeletedAsync"/>) erases the versions with the text.
/// </summary>
public interface IEditStore
{
    /// <summary>
    /// The earlier texts kept per message: the newest ones; older ones are dropped as edits come. Bounds what one author
    /// looping edits can store, and what a <c>versions</c> answer holds (50 × 4,000 characters fits one line).
    /// </summary>
    const int VersionsKept = 50;

    /// <summary>
    /// Replaces the text of message <paramref name="seq"/> of <paramref name="conversation"/> with <paramref name="text"/>
    /// (and its <paramref name="mentions"/>), keeping the text it had as a version (at most <see cref="VersionsKept"/>, the
    /// newest), all in one transaction. Returns the
    /// message as stored now, or null when it does not exist or is deleted (then nothing changed).
    /// </summary>
    Task<StoredMessage?> EditMessageAsync(string conversation, long seq, string text, IReadOnlyList<string>? mentions, DateTimeOffset editedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// The texts message <paramref name="seq"/> had before its edits (the newest <see cref="VersionsKept"/>), oldest first, each with the time it was written
    /// (the message's timestamp, then each earlier edit's); empty when it was never edited or is deleted.
    /// </summary>
    Task<IReadOnlyList<MessageVersion>> ReadVersionsAsync(string conversation, long seq, CancellationToken cancellationToken = default);
}

/// <summary>A text a message had: the text, and when it was written (sent or edited).</summary>
public sealed record MessageVersion(string Text, DateTimeOffset Timestamp);
