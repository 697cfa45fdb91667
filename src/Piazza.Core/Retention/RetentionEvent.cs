using Piazza.Core.Ports;

namespace Piazza.Core.Retention;

/// <summary>A room's retention changed (<c>retention</c>), told to the room: the setting now in force and who set it.</summary>
public sealed class RetentionEvent(RoomRetention retention, string by, DateTimeOffset timestamp) : ChatEvent
{
    public RoomRetention Retention { get; } = retention;
    public string Room => Retention.Room;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 128 + Utf8Bound(Room) + Utf8Bound(By);
}

/// <summary>
/// A room's own retention changed (<paramref name="OwnDays"/> null: it follows the server's); nodes holding the room
/// update it and tell its listeners (<c>retention</c>), each with its own <c>--retention-days</c> for the days in force.
/// </summary>
public sealed record RetentionChangedSignal(string RoomKey, int? OwnDays, string By, DateTimeOffset At) : ClusterSignal;
