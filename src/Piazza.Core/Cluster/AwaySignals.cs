using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// A user's away status changed (<paramref name="Text"/> null: back). <paramref name="Conversations"/> are the keys
/// of the rooms the user is in and of their open private conversations, whose connections on every node hear
/// <c>away</c>. <paramref name="Quiet"/>: the user's last connection went, so every node forgets the status and
/// nobody is told (the user's <c>left</c> says it).
/// </summary>
public sealed record AwayChangedSignal(string User, string? Text, DateTimeOffset At, IReadOnlyList<string> Conversations, bool Quiet = false) : ClusterSignal;

/// <summary>
/// A user is typing in a room (<paramref name="RoomKey"/>) or in a private conversation (<paramref name="Participants"/>,
/// identity keys). <paramref name="Conversation"/> is the name clients see. Never stored; lost on a bus cut.
/// </summary>
public sealed record TypingSignal(string User, string Identity, string Conversation, string? RoomKey, IReadOnlyList<string>? Participants) : ClusterSignal;
