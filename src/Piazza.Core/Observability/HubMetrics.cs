using System.Diagnostics.Metrics;
using Piazza.Protocol;

namespace Piazza.Core.Observability;

/// <summary>
/// The hub's instruments on the one process-wide meter <see cref="MeterName"/> (names, units and tags in
/// docs/monitoring.md). Every hook is one call that allocates nothing: tags are built once here, and with no listener
/// (benchmarks, embedded hubs) an instrument costs a branch. A meter is process-wide, so hubs in one process add up.
/// </summary>
public static class HubMetrics
{
    /// <summary>The meter every Piazza instrument (core and server) is created on.</summary>
    public const string MeterName = "Piazza";

    /// <summary>The process-wide meter; the server's own instruments are created on it too.</summary>
    public static readonly Meter Meter = new(MeterName);

    /// <summary>Bucket bounds (seconds) for the short in-memory paths: a fan-out takes microseconds, a commit milliseconds.</summary>
    private static readonly double[] LatencyBuckets = [0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Bucket bounds for a commit's batch size, up to the writers' cap of 512.</summary>
    private static readonly long[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private static readonly Counter<long> Logins = Meter.CreateCounter<long>("piazza.logins", "{login}", "Logins (hello and register) by outcome: ok, or the error code that refused them.");
    private static readonly Counter<long> Stored = Meter.CreateCounter<long>("piazza.messages.stored", "{message}", "Messages made durable in the store.");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("piazza.deliveries", "{delivery}", "Messages queued to a receiving connection (one per receiver).");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("piazza.deliveries.dropped", "{delivery}", "Events not queued because the receiver's outbox was full (it is then disconnected as slow_consumer).");
    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>("piazza.disconnects", "{session}", "Sessions the server ended, by reason: slow_consumer, flooding, timeout, kicked, banned, session_revoked, shutdown.");
    private static readonly Counter<long> Refusals = Meter.CreateCounter<long>("piazza.rate_limited", "{refusal}", "Requests refused by a rate limit, by kind.");
    private static readonly Counter<long> HistoryReads = Meter.CreateCounter<long>("piazza.history.reads", "{read}", "History reads answered (native, IRC and HTTP).");
    private static readonly Histogram<double> FanOut = Meter.CreateHistogram("piazza.fanout.duration", "s", "Time to queue one message to every receiver on this node.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("piazza.store.commit.duration", "s", "Time of one group commit of messages to the store, by writer.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    private static readonly Histogram<long> CommitBatch = Meter.CreateHistogram("piazza.store.commit.batch_size", "{message}", "Messages per group commit, by writer.", null, new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });
    private static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>("piazza.message_log.queue_depth", "{message}", "Messages accepted and waiting for their commit, by writer.");

    private static readonly KeyValuePair<string, object?> LoginOk = new("outcome", "ok");
    private static readonly KeyValuePair<string, object?>[] LoginRefused = Tags<ErrorCode>("outcome", WireNames.AllErrorCodes);
    private static readonly KeyValuePair<string, object?>[] ReasonTags = Tags<LeaveReason>("reason", WireNames.AllLeaveReasons);
    private static readonly KeyValuePair<string, object?>[] KindTags = Tags<RateLimitKind>("kind", RateLimitKinds.Names);
    private static readonly KeyValuePair<string, object?>[] WriterTags = Tags<CommitWriter>("writer", ["message_log", "store_sequencer"]);

    /// <summary>Whether a listener records fan-out times (so the hook reads the clock only when someone looks).</summary>
    internal static bool TimingFanOut => FanOut.Enabled;

    /// <summary>Whether a listener records commit times.</summary>
    internal static bool TimingCommits => CommitDuration.Enabled;

    internal static void Login(HubError? refusal) => Logins.Add(1, refusal is null ? LoginOk : LoginRefused[(int)refusal.Code]);

    internal static void Delivered(int receivers) => Deliveries.Add(receivers);

    internal static void DeliveryDropped() => Dropped.Add(1);

    /// <summary>Counts a session's end when the server ended it (not a quit, a lost link or a leave).</summary>
    internal static void SessionEnded(LeaveReason reason)
    {
        if (reason is not (LeaveReason.Quit or LeaveReason.Lost or LeaveReason.Left))
        {
            Disconnects.Add(1, ReasonTags[(int)reason]);
        }
    }

    /// <summary>A refusal by a rate limit; doors' own limits (HTTP requests, connections) count here too.</summary>
    public static void RateLimited(RateLimitKind kind) => Refusals.Add(1, KindTags[(int)kind]);

    /// <summary>Counts the refusal and makes its error: the one-liner for a limit that answers with a <see cref="HubError"/>.</summary>
    internal static HubError Refusal(RateLimitKind kind, string message, TimeSpan retryAfter)
    {
        RateLimited(kind);
        return new HubError(ErrorCode.RateLimited, message, retryAfter);
    }

    internal static void HistoryRead() => HistoryReads.Add(1);

    internal static void FannedOut(TimeSpan elapsed) => FanOut.Record(elapsed.TotalSeconds);

    internal static void Queued(CommitWriter writer, int count) => QueueDepth.Add(count, WriterTags[(int)writer]);

    /// <summary>One commit of <paramref name="count"/> messages; <paramref name="stored"/> when it went through.</summary>
    internal static void Committed(CommitWriter writer, int count, TimeSpan? elapsed, bool stored)
    {
        var tag = WriterTags[(int)writer];
        QueueDepth.Add(-count, tag);
        CommitBatch.Record(count, tag);
        if (elapsed is { } time)
        {
            CommitDuration.Record(time.TotalSeconds, tag);
        }

        if (stored)
        {
            Stored.Add(count);
        }
    }

    private static KeyValuePair<string, object?>[] Tags<T>(string key, IReadOnlyList<string> names)
        where T : struct, Enum
        => [.. Enum.GetValues<T>().Select(value => new KeyValuePair<string, object?>(key, names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)]))];
}

/// <summary>Which writer made a commit: the single node's <c>MessageLog</c> or the cluster's <c>StoreSequencer</c>.</summary>
internal enum CommitWriter
{
    MessageLog,
    StoreSequencer,
}
