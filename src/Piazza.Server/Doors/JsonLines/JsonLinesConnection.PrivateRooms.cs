using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Private rooms and invitations: room_set, invite, uninvite.</summary>
public sealed partial class JsonLinesConnection
{
    private async Task HandlePrivateRoomAsync(ChatSession session, ClientFrame frame)
    {
        if (frame.Type == FrameTypes.RoomSet && frame.RetentionDays is not null)
        {
            await HandleRetentionSetAsync(session, frame).ConfigureAwait(false);
            return;
        }

        if (frame.Type == FrameTypes.RoomSet)
        {
            Reply(frame, await _hub.SetRoomPrivateAsync(session, frame.Room, frame.Private).ConfigureAwait(false), room => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = room, Private = frame.Private });
            return;
        }

        var result = frame.Type == FrameTypes.Invite
            ? await _hub.InviteAsync(session, frame.Room, frame.User).ConfigureAwait(false)
            : await _hub.UninviteAsync(session, frame.Room, frame.User).ConfigureAwait(false);
        Reply(frame, result, done => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = done.Room, User = done.User });
    }
}
