namespace Piazza.Client;

/// <summary>
/// Someone added (<see cref="On"/>) or removed a reaction to message <see cref="MessageId"/> (seq <see cref="Seq"/>)
/// of <see cref="Conversation"/>: apply it to your copy with <see cref="ReactionSummaries.Toggle"/>.
/// </summary>
public sealed record ReactionChanged(string Conversation, string MessageId, long Seq, string Emoji, string User, bool On) : PiazzaEvent;
