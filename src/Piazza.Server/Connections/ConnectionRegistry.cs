using System.Collections.Concurrent;

namespace Piazza.Server.Connections;

/// <summary>A connection the heartbeat watches: it can be asked to check its own liveness.</summary>
public interface IWatchedConnection
{
    /// <summary>Pings, or closes, the connection if it has been silent too long or never said hello.</summary>
    void CheckLiveness(long nowMilliseconds);
}

/// <summary>Every open connection of every door, welcomed or not, for the heartbeat.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, IWatchedConnection> _connections = new();
    private long _nextId;

    public int Count => _connections.Count;

    public long Add(IWatchedConnection connection)
    {
        var id = Interlocked.Increment(ref _nextId);
        _connections[id] = connection;
        return id;
    }

    public void Remove(long id) => _connections.TryRemove(id, out _);

    public IEnumerable<IWatchedConnection> All => _connections.Values;
}
