namespace Piazza.Core;

/// <summary>Replies: a send that quotes an earlier message of the same conversation.</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Sends a message replying to <paramref name="replyTo"/> (a message id of the same conversation the sender may
    /// read) to a room (<paramref name="room"/>), a user (<paramref name="to"/>) or a group (<paramref name="group"/>),
    /// optionally with a file; otherwise the same as <see cref="SendAsync(ChatSession, string?, string?, string?, string?, string?, CancellationToken)"/>.
    /// The delivered message carries <see cref="MessageEvent.Reply"/>. A null <paramref name="replyTo"/> is a plain send.
    /// </summary>
    public async Task<HubResult<PendingSend>> SendReplyAsync(ChatSession session, string? room, string? to, IReadOnlyList<string>? group, string? text, string? fileId, string? clientId, string? replyTo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (replyTo is null)
        {
            return group is not null ? await SendToGroupAsync(session, group, text, fileId, clientId, cancellationToken).ConfigureAwait(false)
                : await SendAsync(session, room, to, text, fileId, clientId, cancellationToken).ConfigureAwait(false);
        }

        FileAttachment? file = null;
        if (fileId is not null)
        {
            var found = await _files.FindVisibleAsync(session.User, fileId, cancellationToken).ConfigureAwait(false);
            if (!found.Succeeded)
            {
                return found.Error!;
            }

            file = found.Value!.ToAttachment();
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            return new HubError(Protocol.ErrorCode.BadRequest, "\"text\" must be a non-empty string");
        }

        var body = file is not null && string.IsNullOrWhiteSpace(text) ? "" : text!;
        return await _messaging.SendAsync(session, group is null ? room : null, group is null ? to : null, body, file, clientId, cancellationToken, group, replyTo).ConfigureAwait(false);
    }
}
