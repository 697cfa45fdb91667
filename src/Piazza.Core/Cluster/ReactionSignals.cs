using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// A reaction was stored (<see cref="On"/>) or removed: every node amends its copy of the message and tells the
/// conversation's listeners (Reactions/ReactionService).
/// </summary>
public sealed record ReactionChangedSignal(string ConversationKey, string MessageId, long Seq, string Emoji, string User, bool On) : ClusterSignal;
