using Microsoft.Extensions.Logging;
using Piazza.Cluster.Redis;
using Piazza.Core.Ports;
using Piazza.Core.Storage;
using Piazza.Server.Options;
using Piazza.Storage.Postgres;
using Piazza.Storage.Sqlite;

namespace Piazza.Server.Cluster;

/// <summary>
/// What this node runs on, chosen from the options once: the store (SQLite in the data folder, or the shared
/// PostgreSQL) and the hub's ports (alone, or the Redis bus and name claims of a cluster). Owns the Redis link, which
/// the container disposes after the hub (the hub depends on it), so departing connections still release their names.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly RedisCluster? _redis;

    private ClusterNode(string nodeId, HubPorts ports, RedisCluster? redis)
    {
        NodeId = nodeId;
        Ports = ports;
        _redis = redis;
    }

    public string NodeId { get; }

    public HubPorts Ports { get; }

    /// <summary>Whether the node shares its store and bus with others.</summary>
    public bool IsClustered => _redis is not null;

    public static IChatStore CreateStore(PiazzaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Cluster.Postgres is { } postgres
            ? PostgresChatStore.Create(postgres)
            : new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(options.Data, "piazza.db") });
    }

    /// <summary>
    /// Connects to Redis when the options name it (throws <see cref="InvalidOperationException"/> with one line when it
    /// cannot be reached). With PostgreSQL the store assigns seqs, even for a node alone: another node may share it.
    /// </summary>
    public static ClusterNode Connect(PiazzaOptions options, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = options.Cluster;
        var nodeId = NodeIdentity.Of(cluster.NodeId, options.Network.Port);
        if (cluster.Redis is not { } redis)
        {
            return new ClusterNode(nodeId, new HubPorts { Bus = new SingleNodeBus(nodeId), SeqAssignedByStore = cluster.Postgres is not null }, null);
        }

        // At start only (no request is waiting): the host is built synchronously.
        var link = RedisCluster.ConnectAsync(redis, nodeId, loggers, time: time).GetAwaiter().GetResult();
        return new ClusterNode(nodeId, new HubPorts { Bus = link.Bus, Claims = link.Claims, SeqAssignedByStore = true }, link);
    }

    public ValueTask DisposeAsync() => _redis?.DisposeAsync() ?? ValueTask.CompletedTask;
}
