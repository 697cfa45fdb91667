using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Server.Observability;

namespace Piazza.Server.Connections;

/// <summary>A connection the heartbeat watches: it can be asked to check its own liveness.</summary>
public interface IWatchedConnection
{
    /// <summary>Pings, or closes, the connection if it has been silent too long or never said hello.</summary>
    void CheckLiveness(long nowMilliseconds);
}

/// <summary>Every open connection of every door, welcomed or not, for the heartbeat, the metrics and the log lines that name one.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, IWatchedConnection> _connections = new();
    private readonly ConcurrentDictionary<IChatConnection, ConnectionScope> _scopes = new(ReferenceEqualityComparer.Instance);
    private long _nextId;

    /// <summary>
    /// Registers a door's connection for as long as it is served: counted in <c>piazza_connections_*</c> under its door,
    /// and known by <paramref name="connectionId"/> to <see cref="ScopeOf"/>. With <paramref name="scopeLogger"/>, a
    /// logging scope is opened too (the request-made doors; a native or IRC connection has its Kestrel one already).
    /// </summary>
    public Registration Open<T>(T connection, string connectionId, ILogger? scopeLogger = null)
        where T : IWatchedConnection, IChatConnection
    {
        ArgumentNullException.ThrowIfNull(connection);
        var scope = new ConnectionScope(connectionId, connection.Door, connection.RemoteEndPoint);
        _scopes[connection] = scope;
        ServerMetrics.ConnectionOpened(connection.Door);
        return new Registration(this, connection, Add(connection), scopeLogger?.BeginScope(scope));
    }

    /// <summary>The id, door and address a log line names a connection by; null for one not registered (a REST request's).</summary>
    public ConnectionScope? ScopeOf(IChatConnection connection) => _scopes.GetValueOrDefault(connection);

    public int Count => _connections.Count;

    public long Add(IWatchedConnection connection)
    {
        var id = Interlocked.Increment(ref _nextId);
        _connections[id] = connection;
        return id;
    }

    public void Remove(long id) => _connections.TryRemove(id, out _);

    internal void Close(IChatConnection connection, long id)
    {
        Remove(id);
        if (_scopes.TryRemove(connection, out _))
        {
            ServerMetrics.ConnectionClosed(connection.Door);
        }
    }

    public IEnumerable<IWatchedConnection> All => _connections.Values;
}

/// <summary>A connection's place in the <see cref="ConnectionRegistry"/>; disposing it ends the place, the count and the scope.</summary>
public sealed class Registration : IDisposable
{
    private readonly ConnectionRegistry _registry;
    private readonly IChatConnection _connection;
    private readonly long _id;
    private readonly IDisposable? _logScope;

    internal Registration(ConnectionRegistry registry, IChatConnection connection, long id, IDisposable? logScope)
        => (_registry, _connection, _id, _logScope) = (registry, connection, id, logScope);

    public void Dispose()
    {
        _registry.Close(_connection, _id);
        _logScope?.Dispose();
    }
}
