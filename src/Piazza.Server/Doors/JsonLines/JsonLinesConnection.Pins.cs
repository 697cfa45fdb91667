using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Pins (docs/protocol.md, "Pins"): <c>pin</c>, <c>unpin</c> and the pins panel's <c>pins</c>.</summary>
public sealed partial class JsonLinesConnection
{
    private async Task HandlePinsAsync(ChatSession session, ClientFrame frame)
    {
        if (frame.Type == FrameTypes.Pins)
        {
            var list = await _hub.PinsAsync(session, frame.Room).ConfigureAwait(false);
            if (list.Succeeded)
            {
                // At most 50 messages: under the history answer's bound, so it is queued like one.
                await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
            }

            Reply(frame, list, pins => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = pins.Room, Pins = [.. pins.Pins.Select(PinJson.ToFrame)] });
            return;
        }

        Reply(frame, await _hub.PinAsync(session, frame.Room, frame.Msg, pin: frame.Type == FrameTypes.Pin).ConfigureAwait(false), done => new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Room = done.Room,
            Msg = done.MessageId,
            Seq = done.Seq,
        });
    }
}
