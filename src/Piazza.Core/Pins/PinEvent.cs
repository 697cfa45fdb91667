namespace Piazza.Core.Pins;

/// <summary>
/// A message was pinned (<see cref="Pinned"/>) or unpinned in a conversation: the wire's <c>pinned</c> /
/// <c>unpinned</c> frame. A deleted message is unpinned by its deleter.
/// </summary>
public sealed class PinEvent(string room, string messageId, long seq, string by, DateTimeOffset timestamp, bool pinned) : ChatEvent
{
    public string Room { get; } = room;
    public string MessageId { get; } = messageId;
    public long Seq { get; } = seq;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;
    public bool Pinned { get; } = pinned;

    public override int EstimatedBytes => 160 + Utf8Bound(Room) + Utf8Bound(MessageId) + Utf8Bound(By);
}

/// <summary>A pinned message as the pins panel shows it: the message (its one JSON shape), who pinned it and when.</summary>
public sealed record PinnedMessage(MessageEvent Message, string PinnedBy, DateTimeOffset PinnedAt)
{
    /// <summary>The text was cut to <see cref="PinRules.PreviewChars"/> characters (the message itself has more).</summary>
    public bool Truncated { get; init; }
}

/// <summary>The answer to <c>pins</c>: the conversation's name and its pinned messages, newest pin first.</summary>
public sealed record PinList(string Room, IReadOnlyList<PinnedMessage> Pins);
