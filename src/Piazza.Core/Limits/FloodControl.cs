using System.Runtime.CompilerServices;
using Piazza.Core.Observability;
using Piazza.Protocol;

namespace Piazza.Core.Limits;

/// <summary>
/// Flood control every door shares: token buckets for frames per connection, for messages and for history reads per
/// connection and per account, and a budget of refusals after which a connection that keeps flooding is disconnected. All of it runs on
/// the hub's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The buckets are our own (<see cref="TokenBucket"/>), computed from <see cref="TimeProvider"/> timestamps, rather than
/// System.Threading.RateLimiting's: its token bucket reads Stopwatch and has no TimeProvider, and driving it by hand
/// (AutoReplenishment=false + TryReplenish) needs a timer of ours over every partition, which the partitioned limiter
/// does not expose. Per-connection state hangs off the connection (a weak table: it goes when the connection does);
/// per-account buckets are <see cref="KeyedTokenBuckets"/>, whose refilled buckets are swept, so memory stays bounded either way.
/// </remarks>
public sealed class FloodControl : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<IChatConnection, TokenBucket> _frames = [];
    private readonly ConditionalWeakTable<ChatSession, TokenBucket> _connectionMessages = [];
    private readonly KeyedTokenBuckets _accountMessages;
    private readonly ConditionalWeakTable<ChatSession, TokenBucket> _connectionReads = [];
    private readonly KeyedTokenBuckets _accountReads;
    private readonly ConditionalWeakTable<IChatConnection, RefusalWindow> _refusals = [];

    public FloodControl(FloodLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        Limits = limits;
        _time = time;
        _accountMessages = new KeyedTokenBuckets(limits.AccountMessagesPerSecond, limits.AccountMessageBurst, time);
        _accountReads = new KeyedTokenBuckets(limits.AccountReadsPerSecond, limits.AccountReadBurst, time);
    }

    public FloodLimits Limits { get; }

    /// <summary>Takes one frame from the connection's budget (any type, before or after hello); the error when it is spent.</summary>
    public HubError? TryAcquireFrame(IChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Limits.FramesPerSecond <= 0
            ? null
            : Refused(_frames.GetValue(connection, _ => NewBucket(Limits.FramesPerSecond, Limits.FrameBurst)).TryTake(), "frames", RateLimitKind.Frames);
    }

    /// <summary>
    /// Takes one message from the connection's and the account's budgets; the error (<c>rate_limited</c> with
    /// retry-after) when either is spent. Guests are limited per connection and per name.
    /// </summary>
    public HubError? TryAcquireMessage(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Limits.MessagesPerSecond > 0
            && Refused(_connectionMessages.GetValue(session, _ => NewBucket(Limits.MessagesPerSecond, Limits.MessageBurst)).TryTake(), "messages", RateLimitKind.Messages) is { } perConnection)
        {
            return perConnection;
        }

        return TryAcquireForAccount(_accountMessages, session, "messages", RateLimitKind.Messages);
    }

    /// <summary>
    /// Takes one history read (a <c>history</c> request, REST or line) from the connection's and the account's
    /// budgets; the error (<c>rate_limited</c> with retry-after) when either is spent. A REST request is its own
    /// session, so there only the account's budget holds.
    /// </summary>
    public HubError? TryAcquireRead(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Limits.ReadsPerSecond > 0
            && Refused(_connectionReads.GetValue(session, _ => NewBucket(Limits.ReadsPerSecond, Limits.ReadBurst)).TryTake(), "history reads", RateLimitKind.HistoryReads) is { } perConnection)
        {
            return perConnection;
        }

        return TryAcquireAccountRead(session);
    }

    /// <summary>Takes one read from the account's budget only (a conversation named in <c>hello</c>'s <c>resume</c>).</summary>
    public HubError? TryAcquireAccountRead(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return TryAcquireForAccount(_accountReads, session, "history reads", RateLimitKind.HistoryReads);
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

    /// <summary>
    /// One identity's bucket of <paramref name="buckets"/>. Guests are limited per name, not per identity key: a guest's
    /// key is new at every login, and reconnecting must not refill the budget.
    /// </summary>
    private static HubError? TryAcquireForAccount(KeyedTokenBuckets buckets, ChatSession session, string what, RateLimitKind kind)
        => Refused(buckets.TryTake(session.User.IsRegistered ? session.User.Key : "~" + session.User.NameKey), what, kind);

    private static HubError? Refused(TimeSpan? wait, string what, RateLimitKind kind)
    {
        if (wait is not { } retryAfter)
        {
            return null;
        }

        HubMetrics.RateLimited(kind);
        return new HubError(ErrorCode.RateLimited, $"too many {what}; try again in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s", retryAfter);
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

    /// <summary>History reads (<c>history</c> requests) one connection may make per second, on average.</summary>
    public double ReadsPerSecond { get; init; } = 10;

    /// <summary>History reads one connection may make at once (a client opening its conversations reads each once).</summary>
    public int ReadBurst { get; init; } = 50;

    /// <summary>History reads one account may make per second: all its devices, <c>resume</c> keys and the HTTP API together.</summary>
    public double AccountReadsPerSecond { get; init; } = 20;

    /// <summary>History reads one account may make at once.</summary>
    public int AccountReadBurst { get; init; } = 100;

    /// <summary>Refusals (<c>rate_limited</c>) one connection may collect within <see cref="RefusalWindow"/> before it is disconnected. 0 never disconnects.</summary>
    public int RefusalsBeforeDisconnect { get; init; } = 30;

    /// <summary>The window <see cref="RefusalsBeforeDisconnect"/> counts in.</summary>
    public TimeSpan RefusalWindow { get; init; } = TimeSpan.FromSeconds(10);
}
