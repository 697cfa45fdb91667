using Piazza.Core.Retention;

namespace Piazza.Core;

/// <summary>Retention (docs/retention.md, <see cref="RetentionService"/>): the server's job runs it; room owners set their room's.</summary>
public sealed partial class ChatHub
{
    private RetentionService _retention = null!;

    /// <summary>How often the server's job should call <see cref="ApplyRetentionAsync"/>.</summary>
    public TimeSpan RetentionInterval => _hub.Options.Retention.Interval;

    /// <summary>
    /// Removes every message past its conversation's retention (a room's own setting, else the server's days) at the
    /// hub's time, pinned ones excepted, with what hangs on them; files shared nowhere any more are deleted and listed
    /// in the report for the caller to reclaim their blobs. Safe to run on several nodes at once.
    /// </summary>
    public Task<RetentionReport> ApplyRetentionAsync(CancellationToken cancellationToken = default) => _retention.ApplyAsync(cancellationToken);

    /// <summary>
    /// Sets a room's own retention in days (0 keeps its messages for good; <see cref="RetentionRules.ServerDefault"/>
    /// follows the server): the room's owner and admins (<c>forbidden</c> otherwise).
    /// </summary>
    public Task<HubResult<RoomRetention>> SetRoomRetentionAsync(ChatSession session, string? room, int? days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _retention.SetAsync(session, room, days, cancellationToken);
    }

    private void StartRetention(Delivery.SlowConsumers slowConsumers)
    {
        _retention = new RetentionService(_hub, _conversations, _rooms, slowConsumers);
        _retention.Register(_hub.Cluster);
    }
}
