using BenchmarkDotNet.Attributes;
using Piazza.Core;

namespace Piazza.Bench.Micro;

/// <summary>
/// <see cref="BoundedOutbox{T}"/>, a connection's outbound queue: fan-out enqueues (one per recipient and message),
/// the door's writer dequeues. A pair is one item in and out; a burst is 64 in, then 64 out, as a busy room fills the
/// queue between two writes. Reported per item.
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private const int Burst = 64;
    private readonly BoundedOutbox<ChatEvent> _outbox = new(new OutboxLimits());
    private readonly ChatEvent _event = new JoinedEvent("lobby", "alice", DateTimeOffset.UnixEpoch);

    [Benchmark(Baseline = true)]
    public bool EnqueueDequeue()
    {
        _outbox.TryEnqueue(_event, _event.EstimatedBytes);
        return _outbox.TryDequeue(out _);
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int EnqueueBurstThenDrain()
    {
        for (var i = 0; i < Burst; i++)
        {
            _outbox.TryEnqueue(_event, _event.EstimatedBytes);
        }

        var drained = 0;
        while (_outbox.TryDequeue(out _))
        {
            drained++;
        }

        return drained;
    }
}
