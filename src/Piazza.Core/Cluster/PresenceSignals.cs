using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Cluster;

/// <summary>A node is alive; <paramref name="Incarnation"/> changes when its process restarts under the same name.</summary>
public sealed record NodeHeartbeatSignal(string Node, string Incarnation) : ClusterSignal;

/// <summary>A user became present in a room on <paramref name="Node"/> (their first connection there entered it); <paramref name="Guest"/>: no account.</summary>
public sealed record UserPresentSignal(string Node, string Room, string User, DateTimeOffset Since, bool Guest = false, bool Bot = false) : ClusterSignal;

/// <summary>A user stopped being present in a room on <paramref name="Node"/> (their last connection there left it), and why.</summary>
public sealed record UserAbsentSignal(string Node, string Room, string User, LeaveReason Reason, string? Message, string? By, bool ServerWide = false) : ClusterSignal;

/// <summary>A user joined a room: their connections on every node enter it (membership, as for a join on one node).</summary>
public sealed record MemberJoinedSignal(string Node, string Room, string Identity) : ClusterSignal;

/// <summary>
/// A user left a room on every device (leave, kick, ban): their connections on every node leave it, and every node
/// forgets the user's presence there at once (rather than wait for each node's <see cref="UserAbsentSignal"/>).
/// </summary>
public sealed record MemberLeftSignal(string Node, string Room, string Identity, string User, LeaveReason Reason, string? Message, string? By) : ClusterSignal;

/// <summary>One user present in a room on the node that sends a <see cref="PresenceSnapshotSignal"/>; <paramref name="Guest"/>: no account.</summary>
public sealed record PresentUser(string Room, string User, DateTimeOffset Since, bool Guest = false, bool Bot = false);

/// <summary>
/// Everything present on <paramref name="Node"/> (receivers replace what they held for it). Sent when a node needs the
/// others' presence (it started, its bus came back, it heard a node it did not know): with
/// <paramref name="AnswerRequested"/> every node answers with its own snapshot.
/// </summary>
public sealed record PresenceSnapshotSignal(string Node, string Incarnation, IReadOnlyList<PresentUser> Users, bool AnswerRequested) : ClusterSignal;
