using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Piazza.Protocol;

namespace Piazza.Core.Limits;

/// <summary>
/// Flood control every door shares: token buckets for frames per connection and for messages per connection and per
/// account, and a budget of refusals after which a connection that keeps flooding is disconnected. All of it runs on
/// the hub's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The buckets are our own (<see cref="TokenBucket"/>), computed from <see cref="TimeProvider"/> timestamps, rather than
/// System.Threading.RateLimiting's: its token bucket reads Stopwatch and has no TimeProvider, and driving it by hand
/// (AutoReplenishment=false + TryReplenish) needs a timer of ours over every partition, which the partitioned limiter
/// does not expose. Per-connection state hangs off the connection (a weak table: it goes when the connection does);
/// per-account buckets that have refilled are swept, so memory stays bounded either way.
/// </remarks>
public sealed class FloodControl : IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<IChatConnection, TokenBucket> _frames = [];
    private readonly ConditionalWeakTable<ChatSession, TokenBucket> _connectionMessages = [];
    private readonly ConcurrentDictionary<string, TokenBucket> _accountMessages = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<IChatConnection, RefusalWindow> _refusals = [];
    private long _lastSweep;

    public FloodControl(FloodLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        Limits = limits;
        _time = time;
        _lastSweep = time.GetTimestamp();
    }

    public FloodLimits Limits { get; }

    /// <summary>Takes one frame from the connection's budget (any type, before or after hello); the error when it is spent.</summary>
    public HubError? TryAcquireFrame(IChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Limits.FramesPerSecond <= 0
            ? null
            : Refused(_frames.GetValue(connection, _ => NewBucket(Limits.FramesPerSecond, Limits.FrameBurst)).TryTake(), "frames");
    }

    /// <summary>
    /// Takes one message from the connection's and the account's budgets; the error (<c>rate_limited</c> with
    /// retry-after) when either is spent. Guests are limited per connection and per name.
    /// </summary>
    public HubError? TryAcquireMessage(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Limits.MessagesPerSecond > 0
            && Refused(_connectionMessages.GetValue(session, _ => NewBucket(Limits.MessagesPerSecond, Limits.MessageBurst)).TryTake(), "messages") is { } perConnection)
        {
            return perConnection;
        }

        if (Limits.AccountMessagesPerSecond <= 0)
        {
            return null;
        }

        SweepRefilledAccounts();
        var bucket = _accountMessages.GetOrAdd(session.User.Key, _ => NewBucket(Limits.AccountMessagesPerSecond, Limits.AccountMessageBurst));
        return Refused(bucket.TryTake(), "messages");
    }

    /// <summary>
    /// Counts one refusal of a connection; false when it has been refused more than
    /// <see cref="FloodLimits.RefusalsBeforeDisconnect"/> times within <see cref="FloodLimits.RefusalWindow"/>,
    /// and should be disconnected as <c>flooding</c>.
    /// </summary>
    public bool TryRecordRefusal(IChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Limits.RefusalsBeforeDisconnect <= 0
            || _refusals.GetValue(connection, _ => new RefusalWindow(Limits.RefusalsBeforeDisconnect, Limits.RefusalWindow, _time)).TryRecord();
    }

    /// <summary>Nothing to release any more (no timers); kept so the hub's shutdown need not know.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private TokenBucket NewBucket(double perSecond, int burst) => new(perSecond, burst, _time);

    /// <summary>A refilled bucket is the same as no bucket, so dropping it changes nothing but the memory held.</summary>
    private void SweepRefilledAccounts()
    {
        var last = Interlocked.Read(ref _lastSweep);
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(last, now) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, bucket) in _accountMessages)
        {
            if (bucket.IsFull)
            {
                // A send racing this removal may take its token from the dropped bucket: at most one extra message.
                _accountMessages.TryRemove(new KeyValuePair<string, TokenBucket>(key, bucket));
            }
        }
    }

    private static HubError? Refused(TimeSpan? wait, string what)
        => wait is { } retryAfter
            ? new HubError(ErrorCode.RateLimited, $"too many {what}; try again in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s", retryAfter)
            : null;
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
