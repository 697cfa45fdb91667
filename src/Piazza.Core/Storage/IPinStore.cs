namespace Piazza.Core.Storage;

/// <summary>
/// Pinned messages per conversation (docs/protocol.md, "Pins"): at most a fixed number each, newest pin first. A
/// message's pin goes with its deletion (<see cref="IModerationStore.MarkDeletedAsync"/> drops it in the same transaction).
/// </summary>
public interface IPinStore
{
    /// <summary>
    /// Pins a message unless it is pinned already or the conversation holds <paramref name="maxPins"/> pins; the check
    /// and the insert are one step, so concurrent pins (on any node) never pass the limit.
    /// </summary>
    Task<PinOutcome> PinAsync(PinRecord pin, int maxPins, CancellationToken cancellationToken = default);

    /// <summary>Unpins message <paramref name="seq"/> of a conversation; false when it was not pinned.</summary>
    Task<bool> UnpinAsync(string conversation, long seq, CancellationToken cancellationToken = default);

    /// <summary>The conversation's pins, newest pin first.</summary>
    Task<IReadOnlyList<PinRecord>> PinsAsync(string conversation, CancellationToken cancellationToken = default);
}

/// <summary>One pinned message: where, which, who pinned it and when.</summary>
public sealed record PinRecord(string Conversation, long Seq, string MessageId, string PinnedBy, DateTimeOffset PinnedAt);

/// <summary>What <see cref="IPinStore.PinAsync"/> did.</summary>
public enum PinOutcome
{
    Added,
    AlreadyPinned,

    /// <summary>The conversation holds the most pins allowed; nothing was stored.</summary>
    Full,

    /// <summary>The message is gone or was deleted meanwhile (a deletion racing the pin); nothing was stored.</summary>
    NoMessage,
}
