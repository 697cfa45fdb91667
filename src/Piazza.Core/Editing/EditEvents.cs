using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Editing;

/// <summary>
/// A message's text was edited: everyone listening to its conversation hears the new text (and the mentions it
/// makes), when and by whom (docs/protocol.md, "Edit").
/// </summary>
public sealed class EditedEvent(string room, string messageId, long seq, string text, DateTimeOffset editedAt, string by, IReadOnlyList<string>? mentions) : ChatEvent
{
    public string Room { get; } = room;
    public string MessageId { get; } = messageId;
    public long Seq { get; } = seq;
    public string Text { get; } = text;
    public DateTimeOffset EditedAt { get; } = editedAt;
    public string By { get; } = by;

    /// <summary>The identity keys the new text mentions; null when none.</summary>
    public IReadOnlyList<string>? Mentions { get; } = mentions;

    public override int EstimatedBytes => 200 + Utf8Bound(Room) + Utf8Bound(Text) + Utf8Bound(By) + (Mentions is null ? 0 : Mentions.Sum(m => 4 + Utf8Bound(m)));
}

/// <summary>What an <c>edit</c> answers: the message, and when it was last edited (null for a no-op edit of a message never edited).</summary>
public sealed record EditOutcome(string Room, string MessageId, long Seq, DateTimeOffset? EditedAt, bool Changed);

/// <summary>What <c>versions</c> answers: every text the message had, oldest first, the current one last.</summary>
public sealed record MessageVersions(string Room, string MessageId, long Seq, IReadOnlyList<MessageVersion> Versions);

/// <summary>
/// A stored message was edited (the store has the new text): each node updates its in-memory copy and tells the
/// conversation's listeners there. Applied by <see cref="EditService"/> on the acting node and on the others.
/// </summary>
public sealed record MessageEditedSignal(string ConversationKey, string MessageId, long Seq, string Text, DateTimeOffset EditedAt, string By, IReadOnlyList<string>? Mentions) : ClusterSignal;
