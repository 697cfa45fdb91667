using Piazza.Core.Observability;
using Piazza.Protocol;

namespace Piazza.Core.Limits;

/// <summary>
/// How fast rooms may be created: token buckets per account (a guest counts as its own account) and per address
/// (IPv6 per /64), on the hub's <see cref="TimeProvider"/>. A creation needs a token from both.
/// </summary>
public sealed class RoomCreationThrottle
{
    private readonly KeyedTokenBuckets _accounts;
    private readonly KeyedTokenBuckets _addresses;

    public RoomCreationThrottle(RoomCreationLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _accounts = new KeyedTokenBuckets(limits.PerAccountPerMinute / 60, limits.AccountBurst, time);
        _addresses = new KeyedTokenBuckets(limits.PerAddressPerMinute / 60, limits.AddressBurst, time);
    }

    /// <summary>Takes one creation from the account's and the address's budgets; <c>rate_limited</c> with retry-after when either is spent.</summary>
    public HubError? TryAcquire(string accountKey, string address)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(address);

        // The address first: an address out of budget must not also drain the account's.
        var wait = _addresses.TryTake(AddressText.LimitKey(address)) ?? _accounts.TryTake(accountKey);
        return wait is { } retryAfter
            ? HubMetrics.Refusal(RateLimitKind.Rooms, $"too many new rooms; try again in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s, or join a room that exists", retryAfter)
            : null;
    }
}

/// <summary>Room creation rates (docs/security.md). A rate of 0 turns that limit off. Immutable.</summary>
public sealed record RoomCreationLimits
{
    /// <summary>Rooms one account (or guest) may create per minute, on average.</summary>
    public double PerAccountPerMinute { get; init; } = 1;

    /// <summary>Rooms one account may create at once before the rate applies.</summary>
    public int AccountBurst { get; init; } = 10;

    /// <summary>Rooms one address (IPv6: one /64) may create per minute, all its connections together.</summary>
    public double PerAddressPerMinute { get; init; } = 2;

    /// <summary>Rooms one address may create at once (several people behind one NAT).</summary>
    public int AddressBurst { get; init; } = 20;
}
