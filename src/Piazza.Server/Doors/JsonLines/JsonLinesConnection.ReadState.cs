using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Read state (docs/protocol.md, "Read state"): the <c>read</c> request.</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary>
    /// <c>{"type":"read","room":"dev","seq":N}</c>: answered with the position stored now, which is the higher stored
    /// one when <c>seq</c> is stale (as IRCv3 read-marker answers), not an error.
    /// </summary>
    private async Task HandleReadAsync(ChatSession session, ClientFrame frame)
        => Reply(frame, await _hub.MarkReadAsync(session, frame.Room, frame.Seq).ConfigureAwait(false), read => new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Room = read.Room,
            Seq = read.Seq,
        });
}
