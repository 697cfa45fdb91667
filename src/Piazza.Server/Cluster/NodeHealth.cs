using Piazza.Core;

namespace Piazza.Server.Cluster;

/// <summary>
/// What /healthz says about this node (<c>Observability/HealthChecks</c>): "ok", or "degraded" with the reasons (the shared store failed lately, the
/// cluster bus is cut). A degraded node still serves its own clients, so the answer stays 200: a load balancer keeps
/// sending it the clients it can serve; the detail is for operators.
/// </summary>
public sealed class NodeHealth(TimeProvider time)
{
    /// <summary>A store failure counts this long after it happened (sends are retried by clients meanwhile).</summary>
    public static readonly TimeSpan StoreFailureWindow = TimeSpan.FromSeconds(10);

    private long _lastStoreFailureTicks = long.MinValue;

    /// <summary>Records a store failure; true when it is the first within <see cref="StoreFailureWindow"/> (worth a log line).</summary>
    public bool StoreFailed()
    {
        var now = time.GetUtcNow().UtcTicks;
        var previous = Interlocked.Exchange(ref _lastStoreFailureTicks, now);
        return previous == long.MinValue || now - previous > StoreFailureWindow.Ticks;
    }

    /// <summary>The reasons the node is degraded now; empty when it is healthy.</summary>
    public IReadOnlyList<string> Problems(ChatHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var problems = new List<string>();
        var last = Interlocked.Read(ref _lastStoreFailureTicks);
        if (last != long.MinValue && time.GetUtcNow().UtcTicks - last <= StoreFailureWindow.Ticks)
        {
            problems.Add("the message store could not be reached in the last 10 s");
        }

        if (!hub.ClusterConnected)
        {
            problems.Add("the cluster bus (Redis) is cut: other nodes' messages come from the store when it returns");
        }

        return problems;
    }
}
