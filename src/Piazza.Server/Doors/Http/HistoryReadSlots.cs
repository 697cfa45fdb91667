using Piazza.Server.Connections;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// REST history answers in progress per HTTP connection (Kestrel's connection id, which every HTTP/2 stream of a
/// connection shares): each holds a page of messages until its client reads, so N streams on one connection may not
/// each hold one. Beyond the limit a read is refused at once (429 with <c>Retry-After</c>), not queued: a refusal
/// holds nothing, and a client that reads its answers finishes each in milliseconds and never meets it.
/// </summary>
public sealed class HistoryReadSlots(int maxPerConnection)
{
    private readonly PerConnectionCounts _inProgress = new();

    /// <summary>The most answers one connection may have in progress; 0 means no limit.</summary>
    public int MaxPerConnection { get; } = maxPerConnection;

    /// <summary>History answers in progress on every connection together.</summary>
    public int InProgress => _inProgress.Total;

    /// <summary>Takes a slot for <paramref name="connectionId"/>; false when it has <see cref="MaxPerConnection"/> already.</summary>
    public bool TryEnter(string connectionId) => _inProgress.TryEnter(connectionId, MaxPerConnection) is not null;

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit(string connectionId) => _inProgress.Exit(connectionId);
}
