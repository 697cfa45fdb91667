namespace Piazza.Core.Rooms;

/// <summary>The user was invited to a room (<c>invited</c>), told to each of the account's connections.</summary>
public sealed class InvitedEvent(string room, string by, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 96 + Utf8Bound(Room) + Utf8Bound(By);
}

/// <summary>A room became private or public (<c>room_set</c>), told to the room.</summary>
public sealed class RoomSetEvent(string room, bool isPrivate, string by, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public bool Private { get; } = isPrivate;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 112 + Utf8Bound(Room) + Utf8Bound(By);
}
