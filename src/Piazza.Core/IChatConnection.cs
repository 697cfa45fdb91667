namespace Piazza.Core;

/// <summary>
/// The hub's view of one client connection, implemented by each door (native TCP, WebSocket, IRC).
/// Every member must return quickly and never block: the hub calls them while fanning out.
/// </summary>
public interface IChatConnection
{
    /// <summary>Which door the client came through, e.g. "tcp".</summary>
    string Door { get; }

    /// <summary>The peer's address and port, for operators and logs.</summary>
    string RemoteEndPoint { get; }

    /// <summary>The peer's address without the port, for per-address limits.</summary>
    string RemoteAddress { get; }

    /// <summary>
    /// Queues an event for delivery without waiting. Returns false when the connection's bounded
    /// outbound queue is full; the hub then applies the slow-consumer policy.
    /// </summary>
    bool TryEnqueue(ChatEvent chatEvent);

    /// <summary>
    /// Completes when the connection's outbound queue has room again (at most half full), or it is closing.
    /// Used to pace long per-connection streams such as a resume of many thousand messages.
    /// </summary>
    Task WaitForCapacityAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Asks the door to close the connection. With <paramref name="flush"/> the frames already queued are written
    /// first; without it the connection is aborted at once (used for slow consumers).
    /// </summary>
    void Close(bool flush);
}
