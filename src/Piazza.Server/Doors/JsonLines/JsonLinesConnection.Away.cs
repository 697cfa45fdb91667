using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>The away and typing frames (docs/protocol.md, "Away and typing").</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary><c>away</c>: sets (text) or clears (no text) the user's away status; answered <c>ok</c> with the text kept.</summary>
    private void HandleAway(ChatSession session, ClientFrame frame)
        => Reply(frame, _hub.SetAway(session, frame.Text), text => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Text = text });

    /// <summary>
    /// <c>typing</c>: fire and forget. Never answered with <c>ok</c> (a client sends one every few seconds while its
    /// user types); a refusal (a room it is not in, a malformed id) is an <c>error</c>; a throttled one is dropped silently.
    /// </summary>
    private async Task HandleTypingAsync(ChatSession session, ClientFrame frame)
    {
        if (frame.To is { IsList: true })
        {
            ReportProtocolError(frame.Id, ErrorCode.BadRequest, "typing in a group conversation: name it by its id in \"room\" (@a,b,c)");
            return;
        }

        var told = await _hub.TypingAsync(session, frame.Room, frame.To?.Single).ConfigureAwait(false);
        if (!told.Succeeded)
        {
            ReportError(frame.Id, told.Error!);
        }
    }
}
