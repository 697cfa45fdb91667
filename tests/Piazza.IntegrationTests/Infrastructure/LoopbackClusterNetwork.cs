using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Piazza.Core.Ports;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// An in-memory <see cref="IClusterBus"/> network for hubs in one process. A member's <see cref="IClusterBus.Publish"/>
/// reaches every OTHER member (never itself), in publish order, on that member's own background loop, as a Redis
/// subscriber would; each signal goes through a JSON round trip of the <see cref="ClusterSignal"/> polymorphism, so a
/// signal a real adapter could not carry fails here. <see cref="Cut"/> and <see cref="Restore"/> play the bus going
/// down and coming back: signals published meanwhile are lost, and Restore calls OnResynchronize on every member.
/// </summary>
public sealed class LoopbackClusterNetwork : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Member> _members = [];
    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly List<(Func<ClusterSignal, bool> Match, TaskCompletionSource<ClusterSignal> Seen)> _watchers = [];
    private volatile bool _connected = true;

    /// <summary>Exceptions thrown by handlers (a handler must not throw; <see cref="DeliveredAsync"/> reports them).</summary>
    public IReadOnlyCollection<Exception> HandlerFailures => _failures;

    /// <summary>A new member: the bus to give one hub (<see cref="HubPorts.Bus"/>).</summary>
    public IClusterBus Join(string nodeId)
    {
        var member = new Member(this, nodeId);
        lock (_gate)
        {
            _members.Add(member);
        }

        return member;
    }

    /// <summary>The bus goes down: every publish from now on is dropped, as on a real bus that lost its connection.</summary>
    public void Cut() => _connected = false;

    /// <summary>The bus is back: every member is told to resynchronise (after whatever it was handed before the cut).</summary>
    public void Restore()
    {
        _connected = true;
        foreach (var member in Members())
        {
            member.Post(new Item(null, Resynchronize: true, null));
        }
    }

    /// <summary>Completes once every member has handled everything published to it so far; throws what handlers threw.</summary>
    public async Task DeliveredAsync(TimeSpan? timeout = null)
    {
        foreach (var member in Members())
        {
            var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            member.Post(new Item(null, Resynchronize: false, handled));
            await handled.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }

        if (!_failures.IsEmpty)
        {
            throw new AggregateException("a cluster signal handler threw", _failures);
        }
    }

    /// <summary>
    /// The next signal of type <typeparamref name="T"/> (matching <paramref name="match"/>) any member publishes from
    /// now on, once every other member has handled it: for effects that publish in the background (a guest room's deletion).
    /// </summary>
    public async Task<T> PublishedAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : ClusterSignal
    {
        var seen = new TaskCompletionSource<ClusterSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _watchers.Add((s => s is T t && (match?.Invoke(t) ?? true), seen));
        }

        var signal = (T)await seen.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        await DeliveredAsync(timeout);
        return signal;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members())
        {
            await member.DisposeAsync();
        }
    }

    private Member[] Members()
    {
        lock (_gate)
        {
            return [.. _members];
        }
    }

    private void Deliver(Member from, ClusterSignal signal)
    {
        if (!_connected)
        {
            return;
        }

        var json = JsonSerializer.Serialize(signal);
        foreach (var member in Members())
        {
            if (member != from)
            {
                member.Post(new Item(json, Resynchronize: false, null));
            }
        }

        List<TaskCompletionSource<ClusterSignal>> seen;
        lock (_gate)
        {
            seen = [.. _watchers.Where(w => w.Match(signal)).Select(w => w.Seen)];
            _watchers.RemoveAll(w => seen.Contains(w.Seen));
        }

        foreach (var watcher in seen)
        {
            watcher.TrySetResult(signal);
        }
    }

    /// <summary>One thing for a member's loop: a signal (as JSON), a resynchronisation, or a marker to complete.</summary>
    private sealed record Item(string? Json, bool Resynchronize, TaskCompletionSource? Handled);

    private sealed class Member(LoopbackClusterNetwork network, string nodeId) : IClusterBus
    {
        private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
        private Task _loop = Task.CompletedTask;

        public string NodeId { get; } = nodeId;

        public bool IsConnected => network._connected;

        public void Publish(ClusterSignal signal)
        {
            ArgumentNullException.ThrowIfNull(signal);
            network.Deliver(this, signal);
        }

        public void Subscribe(IClusterSignalHandler handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            _loop = Task.Run(() => RunAsync(handler));
        }

        public void Post(Item item) => _queue.Writer.TryWrite(item);

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            await _loop;
        }

        private async Task RunAsync(IClusterSignalHandler handler)
        {
            await foreach (var item in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    if (item.Json is { } json)
                    {
                        handler.OnSignal(JsonSerializer.Deserialize<ClusterSignal>(json)!);
                    }
                    else if (item.Resynchronize)
                    {
                        handler.OnResynchronize();
                    }
                }
#pragma warning disable CA1031 // collected and reported by DeliveredAsync: the loop must go on like a real bus's
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    network._failures.Enqueue(ex);
                }

                item.Handled?.TrySetResult();
            }
        }
    }
}
