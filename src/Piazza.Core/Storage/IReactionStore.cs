namespace Piazza.Core.Storage;

/// <summary>
/// Reactions to stored messages (docs/protocol.md, "Reactions"): one row per conversation, seq, emoji and user key,
/// with the user's display name and the time. Stores fill <see cref="StoredMessage.Reactions"/> whenever they return
/// messages, with one query per page; a deleted message loses its reactions.
/// </summary>
public interface IReactionStore
{
    /// <summary>
    /// Adds a reaction to a message that stands (not deleted), unless the user has it already, or the message would
    /// carry more than <paramref name="maxDistinct"/> distinct emoji; one transaction, so concurrent adds keep the limit.
    /// </summary>
    Task<ReactionChange> AddReactionAsync(string conversation, long seq, string emoji, string userKey, string userName, DateTimeOffset at, int maxDistinct, CancellationToken cancellationToken = default);

    /// <summary>Removes the user's reaction; false when there was none.</summary>
    Task<bool> RemoveReactionAsync(string conversation, long seq, string emoji, string userKey, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IReactionStore.AddReactionAsync"/> did.</summary>
public enum ReactionChange
{
    /// <summary>The reaction is new.</summary>
    Added,

    /// <summary>The user had reacted with that emoji already: nothing changed.</summary>
    AlreadyThere,

    /// <summary>The message carries the most distinct emoji already and this one is not among them: nothing changed.</summary>
    TooMany,

    /// <summary>No such message, or it was deleted: nothing changed.</summary>
    NoMessage,
}
