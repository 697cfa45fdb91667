using System.Diagnostics;

namespace Piazza.Bench;

/// <summary>
/// What one receiving connection heard: message count, per-sender counts (to prove nothing was lost),
/// server <c>seq</c> gaps, and optionally send→receive latency samples. Written only by that connection's
/// read loop; totals are read by the coordinator through <see cref="Volatile"/>.
/// </summary>
internal sealed class DeliveryCounter(int senders, bool isReceiver)
{
    private readonly long[] _perSender = new long[senders];
    private long[]? _latencies;
    private int _latencyCount;
    private long _latencyFrom;
    private long _latencyTo;
    private long _total;
    private long _lastSeq;
    private long _seqGaps;
    private long _foreign;

    /// <summary>True for a pure receiver; false for a sender's echo counter (no latency samples there).</summary>
    public bool IsReceiver { get; } = isReceiver;

    public long Total => Volatile.Read(ref _total);

    public long SeqGaps => Volatile.Read(ref _seqGaps);

    /// <summary>Messages whose text was not a benchmark payload (e.g. someone else chatting on the server).</summary>
    public long Foreign => Volatile.Read(ref _foreign);

    /// <summary>Set when the server closed the connection (e.g. dropped as a slow consumer).</summary>
    public bool Disconnected { get; set; }

    public long ReceivedFrom(int sender) => _perSender[sender];

    /// <summary>Starts keeping latency samples of messages sent in [from, to) (Stopwatch ticks).</summary>
    public void RecordLatency(long fromTicks, long toTicks, int capacity)
    {
        _latencies = new long[capacity];
        _latencyFrom = fromTicks;
        _latencyTo = toTicks;
    }

    public ReadOnlySpan<long> Latencies => _latencies is null ? [] : _latencies.AsSpan(0, _latencyCount);

    /// <summary>Counts one message; <paramref name="seq"/> is 0 when the target has no sequence numbers (Redis).</summary>
    public void OnMessage(long seq, ReadOnlySpan<byte> text)
    {
        var now = Stopwatch.GetTimestamp();
        if (seq != 0)
        {
            if (_lastSeq != 0 && seq != _lastSeq + 1)
            {
                Volatile.Write(ref _seqGaps, _seqGaps + Math.Abs(seq - _lastSeq - 1));
            }

            _lastSeq = seq;
        }

        if (Payload.TryParse(text, out var sendTicks, out var sender, out _) && (uint)sender < (uint)_perSender.Length)
        {
            _perSender[sender]++;
            if (_latencies is { } samples && sendTicks >= _latencyFrom && sendTicks < _latencyTo && _latencyCount < samples.Length)
            {
                samples[_latencyCount++] = now - sendTicks;
            }
        }
        else
        {
            Volatile.Write(ref _foreign, _foreign + 1);
        }

        Volatile.Write(ref _total, _total + 1);
    }
}
