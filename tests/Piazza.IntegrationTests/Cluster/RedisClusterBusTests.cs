using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Piazza.Cluster.Redis;
using Piazza.Core.Ports;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tests.Shared;
using StackExchange.Redis;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Two nodes' buses on a real redis-server: order, no echo, and what happens when Redis goes away.</summary>
public sealed class RedisClusterBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly RedisClusterOptions Options = new() { ResubscribeProbeInterval = TimeSpan.FromMilliseconds(100) };
    private readonly CapturedLog _log = new();
    private readonly ILoggerFactory _loggers;
    private RedisProcess _redis = null!;
    private RedisCluster _a = null!;
    private RedisCluster _b = null!;
    private readonly RecordingHandler _atA = new();
    private readonly RecordingHandler _atB = new();

    public RedisClusterBusTests() => _loggers = LoggerFactory.Create(builder => builder.AddProvider(_log));

    public async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        _a = await RedisCluster.ConnectAsync(_redis.Configuration, "a", _loggers, Options);
        _b = await RedisCluster.ConnectAsync(_redis.Configuration, "b", _loggers, Options);
        _a.Bus.Subscribe(_atA);
        _b.Bus.Subscribe(_atB);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        _loggers.Dispose();
    }

    private static MessageStoredSignal Message(long seq) =>
        new(new StoredMessage("lobby", seq, $"m{seq}", "alice", "alice", null, $"text {seq}", DateTimeOffset.UnixEpoch.AddSeconds(seq), null));

    private static long[] Seqs(RecordingHandler handler) => [.. handler.Signals.OfType<MessageStoredSignal>().Select(s => s.Message.Seq)];

    /// <summary>Publishes an envelope as another node would, to test what a receiver does with the numbering.</summary>
    private async Task PublishRawAsync(string json)
    {
        await using var raw = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        await raw.GetSubscriber().PublishAsync(RedisChannel.Literal("piazza:signals"), Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public async Task Signals_reach_the_other_node_in_the_order_published_and_never_come_back_to_the_sender()
    {
        for (var seq = 1; seq <= 300; seq++)
        {
            _a.Bus.Publish(Message(seq));
        }

        _b.Bus.Publish(Message(1000));
        await _atB.WaitForAsync(h => h.Signals.Count >= 300, Timeout);
        await _atA.WaitForAsync(h => h.Signals.Count >= 1, Timeout);

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), Seqs(_atB));
        Assert.Equal([1000L], Seqs(_atA));
        Assert.Equal(0, _atA.Resynchronized + _atB.Resynchronized);
    }

    [Fact]
    public async Task Publishing_while_redis_is_down_neither_blocks_nor_throws_and_drops_the_signals()
    {
        await _redis.KillAsync();
        await EventuallyAsync(() => !_a.Bus.IsConnected);

        var timer = Stopwatch.StartNew();
        for (var seq = 1; seq <= 1000; seq++)
        {
            _a.Bus.Publish(Message(seq));
        }

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1), $"1000 publishes took {timer.Elapsed}");
        await _redis.RestartAsync();
        await _atA.WaitForAsync(h => h.Resynchronized >= 1, Timeout);
        await _atB.WaitForAsync(h => h.Resynchronized >= 1, Timeout);

        _a.Bus.Publish(Message(2000));
        await _atB.WaitForAsync(h => h.Signals.Count >= 1, Timeout);
        Assert.Equal([2000L], Seqs(_atB));
    }

    [Fact]
    public async Task A_redis_restart_shows_as_disconnected_then_connected_and_resynchronises_each_node_once()
    {
        Assert.True(_a.Bus.IsConnected);
        await _redis.KillAsync();
        await EventuallyAsync(() => !_a.Bus.IsConnected && !_b.Bus.IsConnected);

        await _redis.RestartAsync();
        await _atA.WaitForAsync(h => h.Resynchronized >= 1, Timeout);
        await _atB.WaitForAsync(h => h.Resynchronized >= 1, Timeout);
        Assert.True(_a.Bus.IsConnected);
        Assert.True(_b.Bus.IsConnected);

        // Signals flow again both ways, and nothing triggered a second resynchronisation meanwhile.
        _a.Bus.Publish(Message(1));
        _b.Bus.Publish(Message(2));
        await _atB.WaitForAsync(h => h.Signals.Count >= 1, Timeout);
        await _atA.WaitForAsync(h => h.Signals.Count >= 1, Timeout);
        Assert.Equal(1, _atA.Resynchronized);
        Assert.Equal(1, _atB.Resynchronized);
        Assert.Equal(2, _log.Lines.Count(l => l.StartsWith("cluster bus lost its link to Redis at 127.0.0.1:", StringComparison.Ordinal)));
        Assert.Equal(2, _log.Lines.Count(l => l.Contains("is back on Redis; resynchronising", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_gap_in_a_senders_numbering_resynchronises_once_and_still_delivers_what_came()
    {
        var signal = """{"k":"message","Message":{"Conversation":"lobby","Seq":SEQ,"MessageId":"m","From":"x","Text":"t","Timestamp":"2025-01-01T00:00:00+00:00"}}""";
        await PublishRawAsync($$"""{"n":"x","r":"run1","c":1,"s":{{signal.Replace("SEQ", "1")}}}""");
        await PublishRawAsync($$"""{"n":"x","r":"run1","c":2,"s":{{signal.Replace("SEQ", "2")}}}""");
        await PublishRawAsync($$"""{"n":"x","r":"run1","c":4,"s":{{signal.Replace("SEQ", "4")}}}""");
        await PublishRawAsync($$"""{"n":"x","r":"run2","c":1,"s":{{signal.Replace("SEQ", "5")}}}""");

        await _atB.WaitForAsync(h => h.Signals.Count >= 4, Timeout);

        Assert.Equal([1L, 2, 4, 5], Seqs(_atB));
        Assert.Equal(1, _atB.Resynchronized);
    }

    [Fact]
    public async Task A_signal_of_an_unknown_kind_is_skipped_without_breaking_the_numbering()
    {
        await PublishRawAsync("""{"n":"x","r":"r","c":1,"s":{"k":"from-the-future","x":1}}""");
        await PublishRawAsync("""{"n":"x","r":"r","c":2,"s":{"k":"message","Message":{"Conversation":"lobby","Seq":9,"MessageId":"m","From":"x","Text":"t","Timestamp":"2025-01-01T00:00:00+00:00"}}}""");
        await PublishRawAsync("not json");

        await _atB.WaitForAsync(h => h.Signals.Count >= 1, Timeout);
        await EventuallyAsync(() => _b.Bus.Unreadable == 2);

        Assert.Equal([9L], Seqs(_atB));
        Assert.Equal(0, _atB.Resynchronized);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Timeout, "timed out");
            await Task.Delay(20);
        }
    }

    /// <summary>Records what a node's bus hands its hub, and lets a test wait for a state.</summary>
    private sealed class RecordingHandler : IClusterSignalHandler
    {
        private readonly ConcurrentQueue<ClusterSignal> _signals = new();
        private readonly Lock _gate = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _resynchronized;

        public IReadOnlyCollection<ClusterSignal> Signals => _signals;

        public int Resynchronized => Volatile.Read(ref _resynchronized);

        public void OnSignal(ClusterSignal signal)
        {
            _signals.Enqueue(signal);
            Changed();
        }

        public void OnResynchronize()
        {
            Interlocked.Increment(ref _resynchronized);
            Changed();
        }

        /// <summary>Completes when <paramref name="condition"/> holds, checked after each signal or resynchronisation.</summary>
        public async Task WaitForAsync(Func<RecordingHandler, bool> condition, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    changed = _changed.Task;
                }

                if (condition(this))
                {
                    return;
                }

                var left = timeout - deadline.Elapsed;
                Assert.True(left > TimeSpan.Zero, "timed out waiting for the bus");
                await changed.WaitAsync(left).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        private void Changed()
        {
            lock (_gate)
            {
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
