namespace Piazza.Core.Limits;

/// <summary>
/// One token bucket that refills continuously from a <see cref="TimeProvider"/>'s timestamps: tokens are computed
/// when asked for, so there is no timer, and a test moves the clock instead of sleeping.
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _stamp;

    public TokenBucket(double perSecond, int burst, TimeProvider time)
    {
        _perSecond = perSecond;
        _burst = Math.Max(1, burst);
        _time = time;
        _tokens = _burst;
        _stamp = time.GetTimestamp();
    }

    /// <summary>Takes one token: null when granted, else how long until one is there.</summary>
    public TimeSpan? TryTake()
    {
        lock (_gate)
        {
            Refill();

            // A wait of exactly the announced retry-after must be enough, so a hair's floating-point shortfall counts as a token.
            if (_tokens >= 1 - 1e-9)
            {
                _tokens = Math.Max(0, _tokens - 1);
                return null;
            }

            // Rounded up to a whole tick, so that waiting exactly this long always finds the token.
            return TimeSpan.FromTicks((long)Math.Ceiling((1 - _tokens) / _perSecond * TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>True when the bucket has refilled to its burst: it then behaves exactly like a new one and may be dropped.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= _burst;
            }
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * _perSecond));
        _stamp = now;
    }
}

/// <summary>A fixed window counting refusals, on a <see cref="TimeProvider"/>'s timestamps.</summary>
internal sealed class RefusalWindow(int budget, TimeSpan window, TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _start = time.GetTimestamp();
    private int _count;

    /// <summary>Counts one refusal; false once more than the budget fell in the current window.</summary>
    public bool TryRecord()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (time.GetElapsedTime(_start, now) >= window)
            {
                _start = now;
                _count = 0;
            }

            return ++_count <= budget;
        }
    }
}
