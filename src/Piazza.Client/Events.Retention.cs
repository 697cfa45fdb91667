using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Entering or resuming <paramref name="Conversation"/> reached below a retention cut (docs/retention.md): its history
/// now begins at <paramref name="FirstSeq"/>; older messages were removed on purpose (pinned ones are kept), not lost.
/// </summary>
public sealed record HistoryBegins(string Conversation, long FirstSeq) : PiazzaEvent;

/// <summary>A history answer: the messages in seq order and, when retention cut the conversation, where its history begins.</summary>
public sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, long? FirstSeq);

/// <summary>
/// How long a room keeps its messages (docs/retention.md): <paramref name="Days"/> in force (0: for good), and whether
/// that is the room's own setting (<paramref name="RoomSetting"/>) or the server's.
/// </summary>
public sealed record RoomRetention(int Days, bool RoomSetting)
{
    /// <summary>In words, after "alice set dev": "to keep messages for 30 days", "to follow the server's retention (90 days)".</summary>
    public string Describe() => RetentionSources.Describe(Days, RoomSetting);
}

/// <summary>The owner or an admin (<paramref name="By"/>) changed how long a room we are in keeps its messages.</summary>
public sealed record RetentionChanged(string Room, RoomRetention Retention, string? By, DateTimeOffset? At) : PiazzaEvent;
