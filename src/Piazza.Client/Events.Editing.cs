namespace Piazza.Client;

/// <summary>
/// A message's text was edited (docs/protocol.md, "Edit"): replace its text with <see cref="Text"/> and mark it edited.
/// <see cref="Mentions"/> are those of the new text.
/// </summary>
public sealed record MessageEdited(string Conversation, long Seq, string MessageId, string Text, string? By, DateTimeOffset? EditedAt) : PiazzaEvent
{
    /// <summary>The identity keys the new text mentions; empty when none.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];
}

/// <summary>One text a message had (<see cref="PiazzaClient.VersionsAsync"/>): the text and when it was written.</summary>
public sealed record MessageVersion(string Text, DateTimeOffset? At);
