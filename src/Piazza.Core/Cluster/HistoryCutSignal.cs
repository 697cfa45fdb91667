using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// Retention cut a conversation's history (the store has it): every message below <see cref="FirstSeq"/> is gone but
/// pinned ones, and each node holding the conversation drops them from its recent ring.
/// </summary>
public sealed record HistoryCutSignal(string ConversationKey, long FirstSeq) : ClusterSignal;
