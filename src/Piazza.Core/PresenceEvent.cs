using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Several joins and leaves of one room, coalesced (see <see cref="Conversations.PresenceCoalescer"/>): a room with N
/// people present costs its listeners one frame per interval however many come and go. Apply <see cref="Left"/> first,
/// then <see cref="Joined"/> (a user who left and came back within the interval is in both); either may repeat what a
/// listener already knows (a newcomer's room state), so clients apply them as set changes.
/// </summary>
public sealed class PresenceEvent(string room, IReadOnlyList<PresenceEntry> joined, IReadOnlyList<PresenceDeparture> left, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public IReadOnlyList<PresenceEntry> Joined { get; } = joined;
    public IReadOnlyList<PresenceDeparture> Left { get; } = left;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>Users present after these changes (the room's count).</summary>
    public int Count { get; init; }

    /// <summary>How many joined in all: more than <see cref="Joined"/> holds when the list was cut at <see cref="Conversations.PresenceCoalescer.MaxNamed"/>.</summary>
    public int JoinedTotal { get; init; }

    /// <summary>How many left in all (see <see cref="JoinedTotal"/>).</summary>
    public int LeftTotal { get; init; }

    public override int EstimatedBytes => 96 + Utf8Bound(Room) + (Joined.Count * 80) + Left.Sum(l => 80 + Utf8Bound(l.User) + Utf8Bound(l.Message));
}

/// <summary>One departure in a <see cref="PresenceEvent"/>: who, why (never kicked or banned: those stay single <c>left</c> frames) and their quit message.</summary>
public readonly record struct PresenceDeparture(string User, LeaveReason Reason, string? Message = null);

/// <summary>One page of a room's users, earliest first: <see cref="Count"/> present in all, <see cref="Next"/> the cursor of the next page (null on the last).</summary>
public sealed record PresencePage(string Room, IReadOnlyList<PresenceEntry> Users, int Count, string? Next);
