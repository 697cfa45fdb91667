namespace Piazza.Client;

/// <summary>
/// What a reply quotes of the message it answers, as the server tells it now: the original's id and seq (in the same
/// conversation), its sender and the first 200 text elements of its current text. Once the original is deleted,
/// <see cref="Deleted"/> is true and <see cref="Text"/> is empty.
/// </summary>
public sealed record MessageQuote(string MessageId, long Seq, string From, string Text, bool Deleted);
