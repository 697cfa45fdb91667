using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>The reaction frames (docs/protocol.md, "Reactions").</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary>
    /// <c>react</c> / <c>unreact</c>: answered <c>ok</c> with the conversation, message, seq and the emoji as stored
    /// (a shortcode's emoji); the conversation hears <c>reaction</c> when something changed.
    /// </summary>
    private async Task HandleReactAsync(ChatSession session, ClientFrame frame)
        => Reply(
            frame,
            await _hub.ReactAsync(session, frame.Msg, frame.Emoji, frame.Type == FrameTypes.React).ConfigureAwait(false),
            done => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = done.Room, Msg = done.MessageId, Seq = done.Seq, Emoji = done.Emoji });
}
