using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Replies: a <c>send</c> with <c>reply</c> (the id of a message of the same conversation) quotes it.</summary>
public sealed partial class JsonLinesConnection
{
    private Task<HubResult<PendingSend>> SendReplyAsync(ChatSession session, ClientFrame frame)
        => frame.To is { IsList: true } group
            ? _hub.SendReplyAsync(session, null, null, group.Names, frame.Text, frame.File?.Id, frame.Id, frame.Reply)
            : _hub.SendReplyAsync(session, frame.To is null ? frame.Room : null, frame.To?.Single, null, frame.Text, frame.File?.Id, frame.Id, frame.Reply);
}
