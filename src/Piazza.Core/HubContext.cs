using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>What every service of the hub shares and nothing more: the store port, the options, the clock, the observer.</summary>
internal sealed class HubContext(IChatStore store, ChatHubOptions options, TimeProvider time, IHubObserver? observer)
{
    private volatile bool _shuttingDown;

    public IChatStore Store { get; } = store;

    public ChatHubOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public IHubObserver? Observer { get; } = observer;

    public DateTimeOffset Now => Time.GetUtcNow();

    public bool ShuttingDown
    {
        get => _shuttingDown;
        set => _shuttingDown = value;
    }
}
