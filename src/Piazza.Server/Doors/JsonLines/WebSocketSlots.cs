using Piazza.Server.Connections;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Open WebSockets per HTTP connection (Kestrel's connection id, which every HTTP/2 stream of a connection shares).
/// Over HTTP/2 (RFC 8441 extended CONNECT) one TCP connection carries a WebSocket per stream, each a full
/// line-protocol connection with its own outbox; each takes its own place in the per-address limits of long-lived
/// connections (<see cref="Limits.LongLivedConnections"/>), and this counts them for diagnostics and tests.
/// </summary>
public sealed class WebSocketSlots
{
    private readonly PerConnectionCounts _open = new();

    /// <summary>WebSockets open now on every connection together.</summary>
    public int Open => _open.Total;

    /// <summary>Counts a WebSocket on <paramref name="connectionId"/>; returns how many it has now (1: the first).</summary>
    public int Enter(string connectionId) => _open.TryEnter(connectionId)!.Value;

    /// <summary>Uncounts a WebSocket counted by <see cref="Enter"/>.</summary>
    public void Exit(string connectionId) => _open.Exit(connectionId);
}
