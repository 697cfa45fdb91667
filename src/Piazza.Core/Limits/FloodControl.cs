using System.Threading.RateLimiting;
using Piazza.Protocol;

namespace Piazza.Core.Limits;

/// <summary>
/// Flood control every door shares: token buckets for frames per connection and for messages per connection and per
/// account, and a budget of refusals after which a connection that keeps flooding is disconnected. The buckets live in
/// partitioned limiters, so one timer replenishes them all and idle partitions are dropped (memory stays bounded).
/// </summary>
public sealed class FloodControl : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<IChatConnection>? _frames;
    private readonly PartitionedRateLimiter<ChatSession>? _connectionMessages;
    private readonly PartitionedRateLimiter<string>? _accountMessages;
    private readonly PartitionedRateLimiter<IChatConnection>? _refusals;

    public FloodControl(FloodLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        _frames = Bucket<IChatConnection>(limits.FramesPerSecond, limits.FrameBurst);
        _connectionMessages = Bucket<ChatSession>(limits.MessagesPerSecond, limits.MessageBurst);
        _accountMessages = Bucket<string>(limits.AccountMessagesPerSecond, limits.AccountMessageBurst);
        if (limits.RefusalsBeforeDisconnect > 0)
        {
            _refusals = PartitionedRateLimiter.Create<IChatConnection, IChatConnection>(connection => RateLimitPartition.GetFixedWindowLimiter(
                connection,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RefusalsBeforeDisconnect, Window = limits.RefusalWindow, QueueLimit = 0 }));
        }
    }

    public FloodLimits Limits { get; }

    /// <summary>Takes one frame from the connection's budget (any type, before or after hello); the error when it is spent.</summary>
    public HubError? TryAcquireFrame(IChatConnection connection) => TryAcquire(_frames, connection, "frames");

    /// <summary>
    /// Takes one message from the connection's and the account's budgets; the error (<c>rate_limited</c> with
    /// retry-after) when either is spent. Guests are limited per connection and per name.
    /// </summary>
    public HubError? TryAcquireMessage(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return TryAcquire(_connectionMessages, session, "messages") ?? TryAcquire(_accountMessages, session.User.Key, "messages");
    }

    /// <summary>
    /// Counts one refusal of a connection; false when it has been refused more than
    /// <see cref="FloodLimits.RefusalsBeforeDisconnect"/> times within <see cref="FloodLimits.RefusalWindow"/>,
    /// and should be disconnected as <c>flooding</c>.
    /// </summary>
    public bool TryRecordRefusal(IChatConnection connection)
    {
        if (_refusals is null)
        {
            return true;
        }

        using var lease = _refusals.AttemptAcquire(connection);
        return lease.IsAcquired;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in new IAsyncDisposable?[] { _frames, _connectionMessages, _accountMessages, _refusals })
        {
            if (limiter is not null)
            {
                await limiter.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static PartitionedRateLimiter<TKey>? Bucket<TKey>(double perSecond, int burst)
        where TKey : notnull
    {
        if (perSecond <= 0)
        {
            return null;
        }

        // The partitioned limiter replenishes every partition from one 100 ms timer, so a period is never shorter:
        // 5/s becomes 1 token every 200 ms, 20/s becomes 2 tokens every 100 ms.
        var tokens = Math.Max(1, (int)Math.Round(perSecond * 0.1));
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        return PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => options));
    }

    private static HubError? TryAcquire<TKey>(PartitionedRateLimiter<TKey>? limiter, TKey key, string what)
    {
        if (limiter is null)
        {
            return null;
        }

        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        // Tokens arrive on the partitioned limiter's 100 ms tick, so the honest wait is the bucket's plus one tick.
        var wait = (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(100);
        return new HubError(ErrorCode.RateLimited, $"too many {what}; try again in {Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s", wait);
    }
}

/// <summary>The flood-control limits (docs/security.md). A rate of 0 turns that limit off. Immutable.</summary>
public sealed record FloodLimits
{
    /// <summary>Messages one connection may send per second, on average.</summary>
    public double MessagesPerSecond { get; init; } = 5;

    /// <summary>Messages one connection may send at once before the rate applies.</summary>
    public int MessageBurst { get; init; } = 20;

    /// <summary>Messages one account (all its devices and API requests together) may send per second.</summary>
    public double AccountMessagesPerSecond { get; init; } = 10;

    /// <summary>Messages one account may send at once.</summary>
    public int AccountMessageBurst { get; init; } = 40;

    /// <summary>Frames of any type one connection may send per second, hello included.</summary>
    public double FramesPerSecond { get; init; } = 20;

    /// <summary>Frames one connection may send at once (a client catching up sends a few history requests).</summary>
    public int FrameBurst { get; init; } = 60;

    /// <summary>Refusals (<c>rate_limited</c>) one connection may collect within <see cref="RefusalWindow"/> before it is disconnected. 0 never disconnects.</summary>
    public int RefusalsBeforeDisconnect { get; init; } = 30;

    /// <summary>The window <see cref="RefusalsBeforeDisconnect"/> counts in.</summary>
    public TimeSpan RefusalWindow { get; init; } = TimeSpan.FromSeconds(10);
}
