namespace Piazza.Core;

/// <summary>Group conversations: sends to 2 to 9 others at once (the conversation of all of them).</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Sends a message to the group conversation of the sender and <paramref name="to"/> (2 to 9 user names),
    /// creating it with its first message; the same guarantees as <see cref="SendAsync(ChatSession, string?, string?, string?, string?, string?, CancellationToken)"/>.
    /// </summary>
    public async Task<HubResult<PendingSend>> SendToGroupAsync(ChatSession session, IReadOnlyList<string> to, string? text, string? fileId, string? clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(to);
        if (fileId is null)
        {
            return string.IsNullOrWhiteSpace(text)
                ? new HubError(Protocol.ErrorCode.BadRequest, "\"text\" must be a non-empty string")
                : await _messaging.SendAsync(session, null, null, text, null, clientId, cancellationToken, to).ConfigureAwait(false);
        }

        var file = await _files.FindVisibleAsync(session.User, fileId, cancellationToken).ConfigureAwait(false);
        return file.Succeeded
            ? await _messaging.SendAsync(session, null, null, string.IsNullOrWhiteSpace(text) ? "" : text, file.Value!.ToAttachment(), clientId, cancellationToken, to).ConfigureAwait(false)
            : file.Error!;
    }
}
