using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// A message was pinned (<see cref="Pinned"/>) or unpinned (the store has it): every node where the conversation is
/// loaded updates its pinned list and tells its listeners.
/// </summary>
public sealed record MessagePinnedSignal(string ConversationKey, string MessageId, long Seq, string By, DateTimeOffset At, bool Pinned) : ClusterSignal;
