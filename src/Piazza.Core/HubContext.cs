using Piazza.Core.Cluster;
using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>
/// What every service of the hub shares and nothing more: the store port, the options, the clock, the observer, and
/// the cluster (the bus to tell other nodes, the receiver where a service registers what it does with their signals).
/// </summary>
internal sealed class HubContext(IChatStore store, ChatHubOptions options, TimeProvider time, IHubObserver? observer, IClusterBus bus)
{
    private volatile bool _shuttingDown;

    public IChatStore Store { get; } = store;

    public ChatHubOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    /// <summary>The clock of the rooms' presence coalescing (<see cref="Time"/>; tests put a fake one in before anyone joins).</summary>
    public TimeProvider PresenceTime { get; set; } = time;

    public IHubObserver? Observer { get; } = observer;

    /// <summary>Tells the other nodes (nothing on a node alone).</summary>
    public IClusterBus Bus { get; } = bus;

    /// <summary>Where services register their handlers for other nodes' signals (while the hub is built).</summary>
    public ClusterReceiver Cluster { get; } = new(observer);

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>
    /// A change every node makes in memory (moderation, room state; the store has it already): applied here by the
    /// same handler the other nodes run for it, then published to them.
    /// </summary>
    public void Enact(ClusterSignal signal)
    {
        Cluster.OnSignal(signal);
        Bus.Publish(signal);
    }

    public bool ShuttingDown
    {
        get => _shuttingDown;
        set => _shuttingDown = value;
    }
}
