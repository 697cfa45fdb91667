using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Connections;

namespace Piazza.Server;

/// <summary>
/// Turns hub activity (joins, leaves, slow consumers) into operator log lines. A line about a connection names it by
/// its fields (id, door, address): it may be logged while another connection's work runs (a kick, a fan-out).
/// </summary>
public sealed partial class HubActivityLog(ILogger<HubActivityLog> logger, Cluster.NodeHealth health, ConnectionRegistry connections) : IHubObserver
{
    public void SessionJoined(ChatSession session) => Joined(logger, LogText.Of(session.Name), IdOf(session), session.Connection.Door, session.Connection.RemoteEndPoint);

    public void SessionLeft(ChatSession session, LeaveReason reason) => Left(logger, LogText.Of(session.Name), reason.ToWire(), IdOf(session), session.Connection.Door, session.Connection.RemoteEndPoint);

    public void SlowConsumerDropped(ChatSession session) => SlowConsumer(logger, LogText.Of(session.Name), IdOf(session), session.Connection.Door, session.Connection.RemoteEndPoint);

    /// <summary>The registry's id of the session's connection; "-" for one no door registered (an HTTP request's session).</summary>
    private string IdOf(ChatSession session) => connections.ScopeOf(session.Connection)?.ConnectionId ?? "-";

    public void StoreFailed(Exception exception) => StoreFault(logger, exception);

    public void StoreUnavailable(Exception exception)
    {
        // One line per outage, not one per failed batch: at hundreds of sends a second the log would drown.
        if (health.StoreFailed())
        {
            StoreUnreachable(logger, exception.GetBaseException().Message);
        }
    }

    public void ClusterResynchronizing() => Resynchronizing(logger);

    [LoggerMessage(104, LogLevel.Error, "The shared store cannot be reached ({Reason}); sends are answered 'unavailable' until it returns")]
    private static partial void StoreUnreachable(ILogger logger, string reason);

    [LoggerMessage(105, LogLevel.Warning, "The cluster bus is back after a cut; reading what other nodes stored meanwhile from the store")]
    private static partial void Resynchronizing(ILogger logger);

    [LoggerMessage(103, LogLevel.Critical, "The message store failed; sends are refused until the server is restarted")]
    private static partial void StoreFault(ILogger logger, Exception exception);

    [LoggerMessage(100, LogLevel.Information, "{User} connected from {RemoteEndPoint} ({Door}, connection {ConnectionId})")]
    private static partial void Joined(ILogger logger, string user, string connectionId, string door, string remoteEndPoint);

    [LoggerMessage(101, LogLevel.Information, "{User} left ({Reason}) from {RemoteEndPoint} ({Door}, connection {ConnectionId})")]
    private static partial void Left(ILogger logger, string user, string reason, string connectionId, string door, string remoteEndPoint);

    [LoggerMessage(102, LogLevel.Warning, "{User} ({RemoteEndPoint}, {Door}, connection {ConnectionId}) fell too far behind; disconnected as slow_consumer")]
    private static partial void SlowConsumer(ILogger logger, string user, string connectionId, string door, string remoteEndPoint);
}
