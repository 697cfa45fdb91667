using System.Collections.Concurrent;
using Piazza.Core.Limits;
using Piazza.Core.Observability;
using Piazza.Protocol;

namespace Piazza.Core.Accounts;

/// <summary>
/// Throttles password logins and registrations by where they come from, so nobody can lock an account's owner out
/// (the old rule counted an account's failures from everywhere: five wrong passwords from anywhere refused the owner's
/// right one from anywhere else for up to 5 minutes). The rules (<see cref="LoginLimits"/>, docs/security.md):
/// <list type="bullet">
/// <item>per (account, address): <see cref="LoginLimits.FreeFailures"/> failures, then a wait doubling from 1 s up to
/// <see cref="LoginLimits.MaxFailureDelay"/> before that address may try that account again; a success clears it;</item>
/// <item>per address: a failure bucket (<see cref="LoginLimits.AddressFailureBurst"/>, refilled at
/// <see cref="LoginLimits.AddressFailuresPerHour"/>); when spent, the address may try no password at all;</item>
/// <item>per account: past <see cref="LoginLimits.AccountFailureBurst"/> recent failures from all addresses the account
/// is under attack, and each failing address waits from its first failure; a clean address is never refused;</item>
/// <item>per address: a bucket of password logins, right or wrong, and one of registrations (each costs a hash).</item>
/// </list>
/// In memory on the hub's <see cref="TimeProvider"/>; a restart forgets (which only helps the legitimate user).
/// Records that no longer hold anything back are swept, so memory stays bounded by the failure buckets.
/// </summary>
public sealed class LoginThrottle
{
    /// <summary>A (account, address) record is forgotten this long after its last failure (once its wait is over).</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly LoginLimits _limits;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Account, string Source), PairRecord> _pairs = new();
    private readonly ConcurrentDictionary<string, DecayingCount> _sourceFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DecayingCount> _accountFailures = new(StringComparer.Ordinal);
    private readonly KeyedTokenBuckets _logins;
    private readonly KeyedTokenBuckets _registrations;
    private long _lastSweep;

    public LoginThrottle(LoginLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _limits = limits;
        _time = time;
        _lastSweep = time.GetTimestamp();
        _logins = new KeyedTokenBuckets(limits.LoginsPerMinutePerAddress / 60, limits.LoginBurstPerAddress, time);
        _registrations = new KeyedTokenBuckets(limits.RegistrationsPerHourPerAddress / 3600, limits.RegistrationBurstPerAddress, time);
    }

    /// <summary>Records held now (pairs, failure counts, buckets): what the sweep keeps bounded.</summary>
    public int RecordCount => _pairs.Count + _sourceFailures.Count + _accountFailures.Count + _logins.Count + _registrations.Count;

    /// <summary>
    /// Whether <paramref name="address"/> may check a password for <paramref name="accountKey"/> now; takes one login
    /// from the address's bucket when it may. The refusal (<c>rate_limited</c> with retry-after) otherwise.
    /// </summary>
    public HubError? TryBeginLogin(string accountKey, string address)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(address);
        Sweep();
        var source = AddressText.LimitKey(address);
        var now = _time.GetTimestamp();
        if (_pairs.TryGetValue((accountKey, source), out var pair) && pair.WaitAt(now, _time) is { } pairWait)
        {
            return Refused("too many failed logins for this account from your address", pairWait);
        }

        if (_sourceFailures.TryGetValue(source, out var failures) && failures.WaitForRoom() is { } sourceWait)
        {
            return Refused("too many failed logins from your address", sourceWait);
        }

        return _logins.TryTake(source) is { } loginWait ? Refused("too many logins from your address", loginWait) : null;
    }

    /// <summary>Whether <paramref name="address"/> may register an account now; takes one registration when it may.</summary>
    public HubError? TryBeginRegistration(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Sweep();
        return _registrations.TryTake(AddressText.LimitKey(address)) is { } wait ? Refused("too many registrations from your address", wait) : null;
    }

    /// <summary>Whether the account has taken more failures, from all addresses, than its burst allows (so failing addresses wait at once).</summary>
    public bool IsUnderAttack(string accountKey)
        => _limits.AccountFailuresPerHour > 0 && _accountFailures.TryGetValue(accountKey, out var count) && count.Exceeds();

    public void Failed(string accountKey, string address)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(address);
        var source = AddressText.LimitKey(address);
        if (_limits.AddressFailuresPerHour > 0)
        {
            _sourceFailures.GetOrAdd(source, _ => new DecayingCount(_limits.AddressFailuresPerHour / 3600, _limits.AddressFailureBurst, _time)).Add();
        }

        if (_limits.AccountFailuresPerHour > 0)
        {
            _accountFailures.GetOrAdd(accountKey, _ => new DecayingCount(_limits.AccountFailuresPerHour / 3600, _limits.AccountFailureBurst, _time)).Add();
        }

        // Under attack a failing address gets no free failures: only the sources that fail are slowed, never the owner's clean one.
        var free = IsUnderAttack(accountKey) ? 1 : Math.Max(1, _limits.FreeFailures);
        var now = _time.GetTimestamp();
        _pairs.AddOrUpdate((accountKey, source), _ => Next(0, free, now), (_, record) => Next(record.Failures, free, now));
    }

    /// <summary>A right password clears that address's failures for the account (not the address's or the account's counts).</summary>
    public void Succeeded(string accountKey, string address)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(address);
        _pairs.TryRemove((accountKey, AddressText.LimitKey(address)), out _);
    }

    private PairRecord Next(int failures, int free, long now)
    {
        failures++;
        var delay = failures < free
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failures - free, 30)), _limits.MaxFailureDelay.TotalSeconds));
        return new PairRecord(failures, now, delay);
    }

    private static HubError Refused(string what, TimeSpan wait)
        => HubMetrics.Refusal(RateLimitKind.Logins, $"{what}; try again in {Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s", wait);

    /// <summary>Drops what no longer holds anyone back: it then behaves exactly as no record, so only memory changes.</summary>
    private void Sweep()
    {
        var last = Interlocked.Read(ref _lastSweep);
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(last, now) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, pair) in _pairs)
        {
            if (pair.WaitAt(now, _time) is null && _time.GetElapsedTime(pair.LastFailure, now) >= ForgetAfter)
            {
                _pairs.TryRemove(new KeyValuePair<(string, string), PairRecord>(key, pair));
            }
        }

        RemoveWhere(_sourceFailures, count => count.IsZero());
        RemoveWhere(_accountFailures, count => count.IsZero());
        _logins.RemoveRefilled();
        _registrations.RemoveRefilled();
    }

    // A failure or take racing a removal may land on the dropped record: at most one attempt goes uncounted.
    private static void RemoveWhere<T>(ConcurrentDictionary<string, T> records, Func<T, bool> spent)
    {
        foreach (var (key, record) in records)
        {
            if (spent(record))
            {
                records.TryRemove(new KeyValuePair<string, T>(key, record));
            }
        }
    }

    /// <summary>One address's failures for one account: how many, when the last was, and the wait it earned.</summary>
    private sealed record PairRecord(int Failures, long LastFailure, TimeSpan Delay)
    {
        public TimeSpan? WaitAt(long now, TimeProvider time)
        {
            var left = Delay - time.GetElapsedTime(LastFailure, now);
            return left > TimeSpan.Zero ? left : null;
        }
    }
}
