namespace Piazza.Client;

/// <summary>
/// Entering or resuming <paramref name="Conversation"/> reached below a retention cut (docs/retention.md): its history
/// now begins at <paramref name="FirstSeq"/>; older messages were removed on purpose (pinned ones are kept), not lost.
/// </summary>
public sealed record HistoryBegins(string Conversation, long FirstSeq) : PiazzaEvent;

/// <summary>A history answer: the messages in seq order and, when retention cut the conversation, where its history begins.</summary>
public sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, long? FirstSeq);
