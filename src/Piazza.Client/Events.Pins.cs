namespace Piazza.Client;

/// <summary>A message of <paramref name="Conversation"/> was pinned by <paramref name="By"/> (docs/protocol.md, "Pins").</summary>
public sealed record MessagePinned(string Conversation, long Seq, string MessageId, string? By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A message was unpinned: by <paramref name="By"/>, or by its deleter (a deleted message is unpinned).</summary>
public sealed record MessageUnpinned(string Conversation, long Seq, string MessageId, string? By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>
/// A pinned message as <see cref="PiazzaClient.PinsAsync"/> answers it: the message, who pinned it and when.
/// <see cref="Truncated"/>: the text is a preview (its first 500 characters); history has the whole message.
/// </summary>
public sealed record PinnedMessage(ChatMessage Message, string PinnedBy, DateTimeOffset? PinnedAt)
{
    public bool Truncated { get; init; }
}
