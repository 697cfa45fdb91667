namespace Piazza.Core.Admin;

/// <summary>
/// One connection of an online user: on this node with its door and address; on another node only what that node
/// tells the cluster (the node and since when), so <see cref="Door"/> and <see cref="Address"/> are null there.
/// </summary>
public sealed record OnlineSessionEntry(string Node, string? Door, string? Address, DateTimeOffset Since);

/// <summary>A user online on some node: their rooms (names) and connections. <see cref="Admin"/> is known for users on this node.</summary>
public sealed record OnlineUserEntry(string Name, bool Guest, bool Bot, bool Admin, IReadOnlyList<string> Rooms, IReadOnlyList<OnlineSessionEntry> Sessions);

/// <summary>A page of online users ordered by folded name; <see cref="Next"/> (the last name) asks for the next page, null on the last.</summary>
public sealed record OnlineUserPage(IReadOnlyList<OnlineUserEntry> Users, string? Next);

/// <summary>A room as admins see it (private ones included): its owner's account key, stored members and users present now.</summary>
public sealed record AdminRoomEntry(string Name, string? Topic, string? Owner, bool Private, int Members, int Present);

/// <summary>A page of rooms ordered by folded name; <see cref="Next"/> (the last room's name) asks for the next page, null on the last.</summary>
public sealed record AdminRoomPage(IReadOnlyList<AdminRoomEntry> Rooms, string? Next);

/// <summary>A page of the audit log, newest first; <see cref="Next"/> (the last entry's id) asks for older entries, null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<Storage.AuditRecord> Entries, long? Next);

/// <summary>A reset password: shown once to the admin who asked, to hand to the user, who should change it at once.</summary>
public sealed record PasswordReset(string User, string TemporaryPassword);

/// <summary>An announcement as stored in the lobby.</summary>
public sealed record Announcement(string Room, string MessageId, long Seq);
