using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>Receives what happens in the hub, for logs and the operator console. Must not block.</summary>
public interface IHubObserver
{
    void SessionJoined(ChatSession session);

    void SessionLeft(ChatSession session, LeaveReason reason);

    void SlowConsumerDropped(ChatSession session);

    /// <summary>The message store failed; the hub refuses sends from now on.</summary>
    void StoreFailed(Exception exception);

    /// <summary>A shared store could not be reached (a batch of sends failed as <c>unavailable</c>, or a gap could not be read); it is tried again.</summary>
    void StoreUnavailable(Exception exception)
    {
    }

    /// <summary>The cluster bus came back after a cut: the node rereads what it may have missed from the store.</summary>
    void ClusterResynchronizing()
    {
    }

    /// <summary>A node of the cluster was not heard from for <c>NodeTimeout</c>: its users' presence was dropped.</summary>
    void ClusterNodeSilent(string nodeId)
    {
    }
}
