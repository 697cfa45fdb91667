namespace Piazza.Core.Limits;

/// <summary>
/// A count of events that drains at a steady rate (a leaky bucket), on a <see cref="TimeProvider"/>'s timestamps: the
/// events are counted when they happen, and a caller asks whether one more would fit under the burst. The mirror of
/// <see cref="TokenBucket"/>, for events (failures) that are counted after the fact rather than taken up front.
/// </summary>
internal sealed class DecayingCount
{
    private readonly Lock _gate = new();
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private double _level;
    private long _stamp;

    public DecayingCount(double perSecond, int burst, TimeProvider time)
    {
        _perSecond = perSecond;
        _burst = Math.Max(1, burst);
        _time = time;
        _stamp = time.GetTimestamp();
    }

    public void Add()
    {
        lock (_gate)
        {
            Drain();
            _level++;
        }
    }

    /// <summary>Null when one more event fits under the burst, else how long until it does.</summary>
    public TimeSpan? WaitForRoom()
    {
        lock (_gate)
        {
            Drain();
            var over = _level + 1 - _burst;

            // Rounded up to a whole tick, so that waiting exactly this long always finds room.
            return over <= 1e-9 ? null : TimeSpan.FromTicks((long)Math.Ceiling(over / _perSecond * TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>True when more events than the burst are still counted.</summary>
    public bool Exceeds()
    {
        lock (_gate)
        {
            Drain();
            return _level > _burst + 1e-9;
        }
    }

    /// <summary>True once everything has drained: the count then behaves exactly like a new one and may be dropped.</summary>
    public bool IsZero()
    {
        lock (_gate)
        {
            Drain();
            return _level <= 1e-9;
        }
    }

    private void Drain()
    {
        var now = _time.GetTimestamp();
        _level = Math.Max(0, _level - (_time.GetElapsedTime(_stamp, now).TotalSeconds * _perSecond));
        _stamp = now;
    }
}
