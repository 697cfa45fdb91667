using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Cluster;

// Moderation and room state, as the node that acted tells the others (after the store has it). Plain data only:
// keys, names, reasons, expiries, and the time the acting node stamped, so every node builds the same frame.
// Each is applied by one handler (Moderation/ModerationEffects), which the acting node runs for itself too.

/// <summary>A user was removed from a room (kick; <see cref="Banned"/>: a room ban's removal).</summary>
public sealed record RemovedFromRoomSignal(string RoomKey, string NameKey, string UserName, string? Reason, string By, DateTimeOffset At, bool Banned = false) : ClusterSignal;

/// <summary>An admin or the operator kicked a user off the server: every connection of theirs, on every node.</summary>
public sealed record KickedFromServerSignal(string NameKey, string? Reason, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>
/// A ban is stored (with its id): every node refuses the target from now on and removes it where it is connected.
/// <see cref="Announce"/>: a room ban's target was in the room, so nodes where it is not present still tell the room.
/// </summary>
public sealed record BanAddedSignal(BanRecord Ban, string? RoomName, string? TargetName, bool Announce) : ClusterSignal;

/// <summary>Every ban of that scope, kind and target was lifted.</summary>
public sealed record BansLiftedSignal(string? RoomKey, BanKind Kind, string Target) : ClusterSignal;

/// <summary>A user was muted (<see cref="Mute"/>) or unmuted (null) in a room.</summary>
public sealed record MuteChangedSignal(string RoomKey, string NameKey, string UserName, MuteRecord? Mute, string? Reason, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>An account became (or stopped being) a moderator of a room.</summary>
public sealed record ModeratorChangedSignal(string RoomKey, string AccountKey, string UserName, bool Moderator, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>A room's topic changed.</summary>
public sealed record TopicChangedSignal(string RoomKey, string? Topic, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>A room's topic was locked or unlocked.</summary>
public sealed record TopicLockChangedSignal(string RoomKey, bool Locked, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>A stored message was deleted (its text is gone from the store).</summary>
public sealed record MessageDeletedSignal(string ConversationKey, string MessageId, long Seq, string By, DateTimeOffset At) : ClusterSignal;

/// <summary>Server admin was granted or revoked.</summary>
public sealed record AdminChangedSignal(string AccountKey, bool Admin) : ClusterSignal;

/// <summary>
/// Credentials were revoked in the store: the account's sessions that used them end on every node. Tokens travel as
/// their stored SHA-256, never themselves: <see cref="RevokedTokenHash"/> is the one token logged out, or null for all
/// of them (a password change), when the session that asked keeps the token issued after (<see cref="KeptTokenHash"/>).
/// <see cref="Notice"/>, when set, is what the ended sessions are told (an admin's reset or disabling says so).
/// </summary>
public sealed record CredentialsRevokedSignal(string AccountKey, byte[]? RevokedTokenHash, byte[]? KeptTokenHash, string? Notice = null) : ClusterSignal;

/// <summary>A room was deleted from the store (a guest's room left empty): nodes drop their loaded copy.</summary>
public sealed record RoomDeletedSignal(string RoomKey) : ClusterSignal;
