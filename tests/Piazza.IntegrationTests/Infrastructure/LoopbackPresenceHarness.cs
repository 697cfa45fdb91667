using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core;
using Piazza.Core.Online;
using Piazza.Core.Ports;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// An in-memory bus between nodes of one process: a member's <see cref="Publish"/> reaches every other member, in the
/// order published, through each receiver's own loop (never itself). Each signal goes through its JSON form, as over
/// Redis. <see cref="Cut"/> drops everything to and from a member; <see cref="Restore"/> reconnects it and calls its
/// handler's <see cref="IClusterSignalHandler.OnResynchronize"/>, as an adapter does when its connection comes back.
/// </summary>
public sealed class LoopbackPresenceBus : IClusterBus
{
    private static readonly object Resynchronize = new();
    private readonly List<LoopbackPresenceBus> _network;
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _publishing = new();
    private IClusterSignalHandler? _handler;
    private Task _loop = Task.CompletedTask;
    private volatile bool _connected = true;

    private LoopbackPresenceBus(string nodeId, List<LoopbackPresenceBus> network)
    {
        NodeId = nodeId;
        _network = network;
    }

    /// <summary>Members that share one network (their list is the network).</summary>
    public static LoopbackPresenceBus[] Network(params string[] nodeIds)
    {
        var network = new List<LoopbackPresenceBus>();
        network.AddRange(nodeIds.Select(id => new LoopbackPresenceBus(id, network)));
        return [.. network];
    }

    public string NodeId { get; }

    public bool IsConnected => _connected;

    /// <summary>What a handler threw (a test fails on any).</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    public void Publish(ClusterSignal signal)
    {
        if (!_connected)
        {
            return;
        }

        var json = JsonSerializer.Serialize(signal);
        lock (_publishing)
        {
            foreach (var other in _network)
            {
                if (other != this && other._connected)
                {
                    other._inbox.Writer.TryWrite(json);
                }
            }
        }
    }

    public void Subscribe(IClusterSignalHandler handler)
    {
        _handler = handler;
        _loop = Task.Run(ReceiveAsync);
    }

    /// <summary>The member is cut off: what it publishes and what is published to it is lost.</summary>
    public void Cut() => _connected = false;

    /// <summary>The member is back; its handler resynchronises.</summary>
    public void Restore()
    {
        _connected = true;
        _inbox.Writer.TryWrite(Resynchronize);
    }

    public async ValueTask DisposeAsync()
    {
        _connected = false;
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task ReceiveAsync()
    {
        await foreach (var item in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (item == Resynchronize)
                {
                    _handler!.OnResynchronize();
                }
                else if (_connected)
                {
                    _handler!.OnSignal(JsonSerializer.Deserialize<ClusterSignal>((string)item)!);
                }
            }
#pragma warning disable CA1031 // recorded for the test to fail on
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failures.Enqueue(ex);
            }
        }
    }
}

/// <summary>
/// Two hubs in one process as two nodes of a cluster: one SQLite file (a store instance each), one set of name
/// claims, one <see cref="LoopbackPresenceBus"/> network, one fake clock (heartbeats and timeouts run when a test
/// advances it).
/// </summary>
public sealed class LoopbackPresenceHarness : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-presence-").FullName;
    private readonly List<SqliteChatStore> _stores = [];
    private readonly List<ChatHub> _hubs = [];

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public LoopbackPresenceBus[] Buses { get; } = LoopbackPresenceBus.Network("node-1", "node-2");

    public IReadOnlyList<ChatHub> Hubs => _hubs;

    public static async Task<LoopbackPresenceHarness> StartAsync()
    {
        var harness = new LoopbackPresenceHarness();
        var claims = new InProcessNameClaims();
        var options = new ChatHubOptions { PasswordIterations = 1000, Flood = new Piazza.Core.Limits.FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 } };
        foreach (var bus in harness.Buses)
        {
            var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(harness._folder, "cluster.db") });
            harness._stores.Add(store);
            var hub = new ChatHub(store, options, harness.Clock, null, new HubPorts { Bus = bus, Claims = claims, SeqAssignedByStore = true });

            // Heartbeats on the fake clock, the rooms' coalesced joins and leaves on the real one (they go out within 250 ms).
            hub.UsePresenceClock(TimeProvider.System);
            harness._hubs.Add(hub);
            await hub.InitializeAsync();
        }

        return harness;
    }

    /// <summary>Moves the clock in heartbeat steps (each node beats and looks for silent nodes at every step).</summary>
    public void Advance(TimeSpan by, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += step)
        {
            Clock.Advance(step);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        foreach (var bus in Buses)
        {
            await bus.DisposeAsync();
            Assert.Empty(bus.Failures);
        }

        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>A connection that records what a hub queues and lets a test wait for an event.</summary>
public sealed class RecordingPresenceConnection(string address = "127.0.0.1") : IChatConnection
{
    private readonly Lock _gate = new();
    private readonly List<ChatEvent> _received = [];
    private readonly List<(Func<ChatEvent, bool> Match, TaskCompletionSource<ChatEvent> Done)> _waiters = [];

    public string Door => "test";

    public string RemoteEndPoint => address + ":1";

    public string RemoteAddress => address;

    public IReadOnlyList<ChatEvent> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public bool TryEnqueue(ChatEvent chatEvent)
    {
        if (chatEvent is PresenceEvent batch)
        {
            // A busy room's coalesced joins and leaves: recorded as the single events they stand for (left first).
            foreach (var left in batch.Left)
            {
                TryEnqueue(new LeftEvent(batch.Room, left.User, left.Reason, left.Message, batch.Timestamp));
            }

            foreach (var joined in batch.Joined)
            {
                TryEnqueue(new JoinedEvent(batch.Room, joined.User, batch.Timestamp) { Guest = joined.Guest });
            }

            return true;
        }

        lock (_gate)
        {
            _received.Add(chatEvent);
            foreach (var waiter in _waiters.Where(w => w.Match(chatEvent)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(chatEvent);
            }
        }

        return true;
    }

    /// <summary>
    /// The first event of type <typeparamref name="T"/> matching <paramref name="match"/>, received already (from
    /// index <paramref name="after"/> on) or to come; fails after 10 s.
    /// </summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, int after = 0)
        where T : ChatEvent
    {
        Task<ChatEvent> pending;
        lock (_gate)
        {
            if (_received.Skip(after).OfType<T>().FirstOrDefault(match) is { } already)
            {
                return already;
            }

            var done = new TaskCompletionSource<ChatEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((e => e is T t && match(t), done));
            pending = done.Task;
        }

        try
        {
            return (T)await pending.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no {what} within 10 s; received: {string.Join(", ", Received.Select(Describe))}");
        }
    }

    public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Close(bool flush)
    {
    }

    private static string Describe(ChatEvent e) => e switch
    {
        JoinedEvent j => $"joined({j.Room},{j.User})",
        LeftEvent l => $"left({l.Room},{l.User},{l.Reason})",
        RoomStateEvent r => $"room({r.Room}:{string.Join('|', r.Users.Select(u => u.User))})",
        _ => e.GetType().Name,
    };
}
