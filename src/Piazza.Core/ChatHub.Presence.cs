namespace Piazza.Core;

/// <summary>Presence that scales (docs/protocol.md, "Presence"): the member list comes in pages.</summary>
public sealed partial class ChatHub
{
    /// <summary>Users in the first page an entering frame (<c>welcome</c>, <c>room</c>) carries, and in a <c>who</c> page by default.</summary>
    public const int PresencePageSize = 100;

    /// <summary>Most users one <c>who</c> page may hold (~80 bytes each: 80 KB).</summary>
    public const int MaxWhoPage = 1000;

    /// <summary>Tests: the rooms coalesce joins and leaves on <paramref name="clock"/> (set before anyone joins).</summary>
    internal void UsePresenceClock(TimeProvider clock) => _hub.PresenceTime = clock;
}
