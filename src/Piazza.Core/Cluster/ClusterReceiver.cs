using System.Collections.Frozen;
using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// The hub's one <see cref="IClusterSignalHandler"/>: each service registers what it does with its own kinds of signal
/// (<see cref="On{TSignal}"/>, while the hub is built) and what it rereads after the bus was cut off
/// (<see cref="OnResynchronize(Action)"/>). A signal of a kind nobody registered is counted, not an error: a newer
/// node may speak of things this one does not know.
/// </summary>
internal sealed class ClusterReceiver(IHubObserver? observer) : IClusterSignalHandler
{
    private readonly Dictionary<Type, Action<ClusterSignal>> _building = [];
    private readonly List<Action> _resynchronizers = [];
    private FrozenDictionary<Type, Action<ClusterSignal>>? _handlers;
    private long _unknown;

    /// <summary>Signals of a kind no service handles (from a newer node).</summary>
    public long UnknownSignals => Interlocked.Read(ref _unknown);

    public void On<TSignal>(Action<TSignal> handle)
        where TSignal : ClusterSignal
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_handlers is not null)
        {
            throw new InvalidOperationException("handlers are registered while the hub is built");
        }

        _building.Add(typeof(TSignal), signal => handle((TSignal)signal));
    }

    public void OnResynchronize(Action resynchronize)
    {
        ArgumentNullException.ThrowIfNull(resynchronize);
        _resynchronizers.Add(resynchronize);
    }

    /// <summary>Ends registration and subscribes to <paramref name="bus"/>.</summary>
    public void Start(IClusterBus bus)
    {
        _handlers = _building.ToFrozenDictionary();
        bus.Subscribe(this);
    }

    public void OnSignal(ClusterSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (_handlers is { } handlers && handlers.TryGetValue(signal.GetType(), out var handle))
        {
            handle(signal);
        }
        else
        {
            Interlocked.Increment(ref _unknown);
        }
    }

    public void OnResynchronize()
    {
        observer?.ClusterResynchronizing();
        foreach (var resynchronize in _resynchronizers)
        {
            resynchronize();
        }
    }
}
