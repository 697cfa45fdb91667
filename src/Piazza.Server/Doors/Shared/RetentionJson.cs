using Piazza.Core.Retention;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Shared;

/// <summary>
/// A room's retention on every door that shows it (docs/retention.md): <c>retentionDays</c>, the days in force (0 for
/// good), and <c>retentionSource</c>, whose setting it is. REST's room info and answer, and the protocol's <c>ok</c>,
/// <c>room</c> and <c>retention</c> frames all map it here.
/// </summary>
public static class RetentionJson
{
    public static int? Days(RoomRetention? retention) => retention?.Days;

    public static string? Source(RoomRetention? retention) => retention is null ? null : RetentionSources.Of(retention.OwnDays is not null);

    /// <summary>Fills a protocol frame's two retention fields (left absent when <paramref name="retention"/> is null).</summary>
    public static ServerFrame With(this ServerFrame frame, RoomRetention? retention)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.RetentionDays = Days(retention);
        frame.RetentionSource = Source(retention);
        return frame;
    }
}
