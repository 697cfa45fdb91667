namespace Piazza.Cluster.Redis;

/// <summary>How a node uses the cluster's Redis. The defaults suit production; tests shorten the times.</summary>
public sealed record RedisClusterOptions
{
    /// <summary>Prefix of every key and of the channel, so one Redis can serve other things beside a cluster.</summary>
    public string KeyPrefix { get; init; } = "piazza:";

    /// <summary>
    /// How long a node counts as alive after its last refresh: its name claims are free this long after it died
    /// without a goodbye (SIGKILL, power cut, partition).
    /// </summary>
    public TimeSpan NodeTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node refreshes its liveness key (well under <see cref="NodeTtl"/>).</summary>
    public TimeSpan NodeRefreshInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest a name claim waits for Redis before answering <c>unavailable</c>.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a node whose bus was cut off checks whether its subscription is back.</summary>
    public TimeSpan ResubscribeProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    internal string SignalChannel => KeyPrefix + "signals";

    internal string NodeKey(string nodeId) => KeyPrefix + "node:" + nodeId;

    internal string NameKey(string nameKey) => KeyPrefix + "name:" + nameKey;
}
