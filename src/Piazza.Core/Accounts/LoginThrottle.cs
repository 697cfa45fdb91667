using System.Collections.Concurrent;

namespace Piazza.Core.Accounts;

/// <summary>
/// Slows down password guessing: after <see cref="FreeFailures"/> failures for one account or one address, each
/// further attempt must wait, doubling from 1 s up to 5 minutes. A success for the account clears its record.
/// In memory: a restart forgets, which only helps the legitimate user.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Failures allowed before waiting starts: enough for honest typos.</summary>
    public const int FreeFailures = 5;

    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Record> _records = new(StringComparer.Ordinal);

    private sealed record Record(int Failures, DateTimeOffset BlockedUntil);

    /// <summary>How long the caller must still wait before trying (zero when it may try now).</summary>
    public TimeSpan RetryAfter(string accountKey, string address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(accountKey, address))
        {
            if (_records.TryGetValue(key, out var record) && record.BlockedUntil > now && record.BlockedUntil - now > wait)
            {
                wait = record.BlockedUntil - now;
            }
        }

        return wait;
    }

    public void Failed(string accountKey, string address)
    {
        var now = time.GetUtcNow();
        foreach (var key in Keys(accountKey, address))
        {
            _records.AddOrUpdate(key, _ => Block(1, now), (_, r) => Block(r.Failures + 1, now));
        }
    }

    public void Succeeded(string accountKey) => _records.TryRemove("a:" + accountKey, out _);

    private static Record Block(int failures, DateTimeOffset now)
    {
        if (failures < FreeFailures)
        {
            return new Record(failures, now);
        }

        var seconds = Math.Min(Math.Pow(2, failures - FreeFailures), MaxDelay.TotalSeconds);
        return new Record(failures, now + TimeSpan.FromSeconds(seconds));
    }

    private static string[] Keys(string accountKey, string address) => ["a:" + accountKey, "h:" + address];
}
