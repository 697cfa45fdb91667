using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>A room's retention (docs/retention.md): <c>room_set</c> with <c>retentionDays</c>, and with <c>private</c> too when both are given.</summary>
public sealed partial class JsonLinesConnection
{
    private async Task HandleRetentionSetAsync(ChatSession session, ClientFrame frame)
    {
        if (frame.Private is not null)
        {
            var privacy = await _hub.SetRoomPrivateAsync(session, frame.Room, frame.Private).ConfigureAwait(false);
            if (!privacy.Succeeded)
            {
                ReportError(frame.Id, privacy.Error!);
                return;
            }
        }

        var set = await _hub.SetRoomRetentionAsync(session, frame.Room, frame.RetentionDays).ConfigureAwait(false);
        Reply(frame, set, r => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = r.Room, Private = frame.Private }.With(r));
    }
}
