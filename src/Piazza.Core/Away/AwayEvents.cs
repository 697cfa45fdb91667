namespace Piazza.Core;

/// <summary>A user's away status changed: <see cref="Text"/> is why they are away, null when they are back.</summary>
public sealed class AwayEvent(string user, string? text, DateTimeOffset timestamp) : ChatEvent
{
    public string User { get; } = user;
    public string? Text { get; } = text;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 96 + Utf8Bound(User) + Utf8Bound(Text);
}

/// <summary>A user is typing in <see cref="Room"/> (a room's name or a private conversation's id). Never stored.</summary>
public sealed class TypingEvent(string room, string user) : ChatEvent
{
    public string Room { get; } = room;
    public string User { get; } = user;

    public override int EstimatedBytes => 64 + Utf8Bound(Room) + Utf8Bound(User);
}
