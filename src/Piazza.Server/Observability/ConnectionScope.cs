using System.Collections;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Piazza.Server.Observability;

/// <summary>
/// The logging scope of one connection: its id, door and remote address, on every line logged while it is served
/// (the JSON log format writes them under <c>Scopes</c>; docs/monitoring.md). Opened by <see cref="Open"/> around a
/// whole Kestrel connection, and again by the request-made doors (WebSocket, event stream) with their own door.
/// </summary>
public sealed class ConnectionScope(string connectionId, string door, string remoteEndPoint) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The field names, shared with the log lines that name a connection explicitly.</summary>
    public const string IdField = "ConnectionId", DoorField = "Door", RemoteField = "RemoteEndPoint";

    public string ConnectionId { get; } = connectionId;

    public string Door { get; } = door;

    public string RemoteEndPoint { get; } = remoteEndPoint;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(IdField, ConnectionId),
        1 => new(DoorField, Door),
        2 => new(RemoteField, RemoteEndPoint),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"connection {ConnectionId} ({Door}, {RemoteEndPoint})";

    /// <summary>Kestrel connection middleware: every line logged while the connection lives carries its scope.</summary>
    public static async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next, DoorEndpoints endpoints, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(endpoints);
        var door = ListenerName(endpoints, (connection.LocalEndPoint as IPEndPoint)?.Port);
        using (logger.BeginScope(new ConnectionScope(connection.ConnectionId, door, connection.RemoteEndPoint?.ToString() ?? "unknown")))
        {
            await next(connection).ConfigureAwait(false);
        }
    }

    /// <summary>The listener a port belongs to, named as its door (a WebSocket or event stream names itself later).</summary>
    private static string ListenerName(DoorEndpoints endpoints, int? port) => port switch
    {
        null => "unknown",
        _ when port == endpoints.PlainTcpEndPoint?.Port => "tcp",
        _ when port == endpoints.TlsEndPoint?.Port => "tls",
        _ when port == endpoints.HttpEndPoint?.Port => "http",
        _ when port == endpoints.HttpsEndPoint?.Port => "https",
        _ when port == endpoints.IrcEndPoint?.Port => "irc",
        _ when port == endpoints.IrcTlsEndPoint?.Port => "ircs",
        _ => "unknown",
    };
}
