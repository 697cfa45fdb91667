using System.Collections.Concurrent;

namespace Piazza.Core.Limits;

/// <summary>
/// One <see cref="TokenBucket"/> per key (an account, an address), on a <see cref="TimeProvider"/>. Buckets that have
/// refilled are swept at most once a minute: a full bucket behaves exactly like a new one, so memory stays bounded by
/// the keys active within a refill period.
/// </summary>
internal sealed class KeyedTokenBuckets(double perSecond, int burst, TimeProvider time)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Whether the limit is on (a rate of 0 turns it off).</summary>
    public bool Enabled => perSecond > 0;

    /// <summary>Buckets held now (tests and diagnostics).</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one token from the key's bucket: null when granted (or the limit is off), else how long until one is there.</summary>
    public TimeSpan? TryTake(string key)
    {
        if (!Enabled)
        {
            return null;
        }

        if (SweepDue())
        {
            RemoveRefilled();
        }

        return _buckets.GetOrAdd(key, _ => new TokenBucket(perSecond, burst, time)).TryTake();
    }

    /// <summary>
    /// Drops every bucket that has refilled (it behaves exactly like a new one): for an owner that sweeps its other
    /// records on its own schedule; <see cref="TryTake"/> sweeps by itself at most once a minute.
    /// </summary>
    public void RemoveRefilled()
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull)
            {
                // A take racing this removal may use the dropped bucket: at most one extra token.
                _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(key, bucket));
            }
        }
    }

    private bool SweepDue()
    {
        var last = Interlocked.Read(ref _lastSweep);
        var now = time.GetTimestamp();
        return time.GetElapsedTime(last, now) >= SweepInterval && Interlocked.CompareExchange(ref _lastSweep, now, last) == last;
    }
}
