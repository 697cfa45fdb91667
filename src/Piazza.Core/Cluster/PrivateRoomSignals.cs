using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

// Private rooms (Rooms/PrivateRooms), as the node that acted tells the others after the store has it.

/// <summary>A room became private or public; nodes holding it update it and tell its listeners (<c>room_set</c>).</summary>
public sealed record RoomPrivacyChangedSignal(string RoomKey, bool Private, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>An account was invited to a room; the nodes where it is connected tell its connections (<c>invited</c>).</summary>
public sealed record InvitedSignal(string AccountKey, string RoomName, string By, DateTimeOffset At) : ClusterSignal;
