using System.Text.Json;
using Microsoft.Extensions.Logging;
using Piazza.Core.Ports;
using StackExchange.Redis;

namespace Piazza.Cluster.Redis;

/// <summary>
/// <see cref="IClusterBus"/> over one Redis pub/sub channel. Each node numbers what it publishes; receivers handle one
/// message at a time (a <see cref="ChannelMessageQueue"/> read in order), so each sender's order holds. Delivery is at
/// most once: a gap in a sender's numbers, or this node's own link coming back, calls
/// <see cref="IClusterSignalHandler.OnResynchronize"/> once, and the node rereads what it missed from the store.
/// </summary>
public sealed partial class RedisClusterBus : IClusterBus
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly RedisClusterOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RedisChannel _channel;
    private readonly string _run = Guid.NewGuid().ToString("N");
    private readonly Lock _publishing = new();

    // Read and written only by the receive loop.
    private readonly Dictionary<string, (string Run, long Counter)> _lastSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknownKinds = new(StringComparer.Ordinal);
    private long _published;
    private IClusterSignalHandler? _handler;
    private ChannelMessageQueue? _queue;
    private ITimer? _probeTimer;
    private volatile string? _pendingProbe;
    private int _cutOff;
    private int _disposed;

    internal RedisClusterBus(IConnectionMultiplexer multiplexer, string nodeId, RedisClusterOptions options, ILogger logger, TimeProvider time)
    {
        _multiplexer = multiplexer;
        NodeId = nodeId;
        _options = options;
        _logger = logger;
        _time = time;
        _channel = RedisChannel.Literal(options.SignalChannel);
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
    }

    public string NodeId { get; }

    /// <summary>False from a lost link until the subscription is active again and the node has resynchronised.</summary>
    public bool IsConnected => Volatile.Read(ref _cutOff) == 0 && _multiplexer.IsConnected;

    /// <summary>Signals that came over the channel but could not be read (a kind this node does not know).</summary>
    public long Unreadable { get; private set; }

    public void Publish(ClusterSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        lock (_publishing)
        {
            // Numbered even when dropped: the gap tells the others that they missed something.
            var envelope = new SignalEnvelope(NodeId, _run, ++_published, signal);
            if (!IsConnected)
            {
                return;
            }

            try
            {
                var payload = JsonSerializer.SerializeToUtf8Bytes(envelope, ClusterJsonContext.Default.SignalEnvelope);
                _multiplexer.GetSubscriber().Publish(_channel, payload, CommandFlags.FireAndForget);
            }
            catch (RedisException)
            {
                // Lost with the link; the numbering gap makes the receivers resynchronise.
            }
        }
    }

    public void Subscribe(IClusterSignalHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("the bus has its handler already");
        }

        _queue = _multiplexer.GetSubscriber().Subscribe(_channel);
        _queue.OnMessage(Receive);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _multiplexer.ConnectionFailed -= OnConnectionFailed;
        _multiplexer.ConnectionRestored -= OnConnectionRestored;
        if (_probeTimer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The link is down: nothing to unsubscribe from.
            }
        }
    }

    private void Receive(ChannelMessage message)
    {
        ReceivedEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)message.Message).Span, ClusterJsonContext.Default.ReceivedEnvelope);
        }
        catch (JsonException ex)
        {
            Unreadable++;
            LogUnreadable(ex.Message);
            return;
        }

        if (envelope is null)
        {
            return;
        }

        if (envelope.Node == NodeId && envelope.Run == _run)
        {
            if (envelope.Probe is { } probe && probe == _pendingProbe)
            {
                Resynchronize();
            }

            return;
        }

        if (envelope.Probe is not null)
        {
            return;
        }

        var gap = _lastSeen.TryGetValue(envelope.Node, out var last) && envelope.Counter != (last.Run == envelope.Run ? last.Counter + 1 : 1);
        _lastSeen[envelope.Node] = (envelope.Run, envelope.Counter);
        if (gap && _pendingProbe is null)
        {
            LogGap(envelope.Node);
            _handler?.OnResynchronize();
        }

        if (envelope.Signal is { } json && Read(json) is { } signal)
        {
            _handler?.OnSignal(signal);
        }
    }

    private ClusterSignal? Read(JsonElement json)
    {
        try
        {
            return json.Deserialize(ClusterJsonContext.Default.ClusterSignal);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // A newer node speaks of something this one does not know: counted and logged once per kind.
            Unreadable++;
            var kind = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("k", out var k) ? k.ToString() : "?";
            if (_unknownKinds.Add(kind))
            {
                LogUnknownKind(kind);
            }

            return null;
        }
    }

    /// <summary>Called on the receive loop when this node's probe came back: the subscription is active again.</summary>
    private void Resynchronize()
    {
        _pendingProbe = null;
        var timer = Interlocked.Exchange(ref _probeTimer, null);
        timer?.Dispose();

        // Senders restarted their numbering meanwhile or not: what they send next starts a new run for this node.
        _lastSeen.Clear();
        Volatile.Write(ref _cutOff, 0);
        LogRestored(NodeId);
        _handler?.OnResynchronize();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _cutOff, 1) != 0)
        {
            return;
        }

        LogLost(e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? "");

        // Probe until the subscription answers (the restored event may come before the library re-subscribed).
        var probe = Guid.NewGuid().ToString("N");
        _pendingProbe = probe;
        var timer = _time.CreateTimer(_ => SendProbe(), null, _options.ResubscribeProbeInterval, _options.ResubscribeProbeInterval);
        Interlocked.Exchange(ref _probeTimer, timer)?.Dispose();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => SendProbe();

    private void SendProbe()
    {
        if (_pendingProbe is not { } probe || Volatile.Read(ref _disposed) != 0 || !_multiplexer.IsConnected)
        {
            return;
        }

        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(new SignalEnvelope(NodeId, _run, 0, null, probe), ClusterJsonContext.Default.SignalEnvelope);
            _multiplexer.GetSubscriber().Publish(_channel, payload, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Not back yet: the timer tries again.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster bus lost its link to Redis at {Endpoint} ({Failure}: {Reason}); signals are dropped until it returns")]
    private partial void LogLost(string endpoint, string failure, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster bus of node {Node} is back on Redis; resynchronising from the store")]
    private partial void LogRestored(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster bus missed signals from node {Node}; resynchronising from the store")]
    private partial void LogGap(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster bus ignored a signal of unknown kind '{Kind}' (a newer node?)")]
    private partial void LogUnknownKind(string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster bus ignored an unreadable message: {Reason}")]
    private partial void LogUnreadable(string reason);
}
