using System.Diagnostics.Metrics;
using Piazza.Core.Observability;
using Piazza.Protocol;

namespace Piazza.Server.Observability;

/// <summary>
/// The doors' instruments, on the same meter as the hub's (<see cref="HubMetrics.Meter"/>; docs/monitoring.md).
/// Door tags are the doors' own names (<c>IChatConnection.Door</c>): a handful of constants, never built per call.
/// </summary>
public static class ServerMetrics
{
    private static readonly Counter<long> Accepted = HubMetrics.Meter.CreateCounter<long>("piazza.connections.accepted", "{connection}", "Connections a door accepted (after the per-address limits), by door.");
    private static readonly UpDownCounter<long> Open = HubMetrics.Meter.CreateUpDownCounter<long>("piazza.connections.open", "{connection}", "Connections open now, by door.");
    private static readonly Counter<long> Uploads = HubMetrics.Meter.CreateCounter<long>("piazza.uploads", "{upload}", "Uploads that ended, by outcome: completed, terminated, expired, or the error code that ended them.");
    private static readonly Counter<long> UploadBytes = HubMetrics.Meter.CreateCounter<long>("piazza.upload.bytes", "By", "Bytes of upload bodies written to disk.");

    private static readonly KeyValuePair<string, object?> Completed = new("outcome", "completed");
    private static readonly KeyValuePair<string, object?> Terminated = new("outcome", "terminated");
    private static readonly KeyValuePair<string, object?> Expired = new("outcome", "expired");
    private static readonly KeyValuePair<string, object?>[] Failed =
        [.. Enum.GetValues<ErrorCode>().Select(code => new KeyValuePair<string, object?>("outcome", code.ToWire()))];

    /// <summary>A door took a connection; <see cref="ConnectionClosed"/> with the same door when it ends.</summary>
    public static void ConnectionOpened(string door)
    {
        var tag = new KeyValuePair<string, object?>("door", door);
        Accepted.Add(1, tag);
        Open.Add(1, tag);
    }

    public static void ConnectionClosed(string door) => Open.Add(-1, new KeyValuePair<string, object?>("door", door));

    /// <summary>An upload ended: stored (<paramref name="error"/> null) or given up with that error.</summary>
    public static void UploadEnded(ErrorCode? error) => Uploads.Add(1, error is { } code ? Failed[(int)code] : Completed);

    /// <summary>An unfinished upload was cancelled by its owner (tus termination).</summary>
    public static void UploadTerminated() => Uploads.Add(1, Terminated);

    /// <summary>An unfinished upload outlived its expiry and was discarded.</summary>
    public static void UploadExpired() => Uploads.Add(1, Expired);

    public static void UploadReceived(long bytes) => UploadBytes.Add(bytes);
}
