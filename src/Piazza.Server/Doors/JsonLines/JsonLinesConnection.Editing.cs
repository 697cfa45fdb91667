using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Edit (docs/protocol.md, "Edit"): the <c>edit</c> and <c>versions</c> requests.</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary><c>{"type":"edit","msg":"…","text":"…"}</c>: answered with the message's room, id, seq and <c>editedAt</c>.</summary>
    private async Task HandleEditAsync(ChatSession session, ClientFrame frame)
        => Reply(frame, await _hub.EditMessageAsync(session, frame.Msg, frame.Text).ConfigureAwait(false), edit => new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Room = edit.Room,
            Msg = edit.MessageId,
            Seq = edit.Seq,
            EditedAt = edit.EditedAt is { } at ? WireTimestamp.Format(at) : null,
        });

    /// <summary><c>{"type":"versions","msg":"…"}</c>: every text the message had, for the room's moderators.</summary>
    private async Task HandleVersionsAsync(ChatSession session, ClientFrame frame)
        => Reply(frame, await _hub.MessageVersionsAsync(session, frame.Msg).ConfigureAwait(false), versions => new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Room = versions.Room,
            Msg = versions.MessageId,
            Seq = versions.Seq,
            Versions = [.. versions.Versions.Select(v => new MessageVersionInfo { Text = v.Text, Ts = WireTimestamp.Format(v.Timestamp) })],
        });
}
