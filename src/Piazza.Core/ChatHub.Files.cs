using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Files: who may share, see and delete a stored file. The bytes and the upload protocol are a door's business; the
/// rules are here so that every door applies the same ones.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Sends a message that may carry a file (<paramref name="fileId"/>); with a file the text may be empty.
    /// Only the uploader may share a file nobody has shared yet; afterwards anyone who may see it may share it again.
    /// </summary>
    public async Task<HubResult<PendingSend>> SendAsync(ChatSession session, string? room, string? to, string? text, string? fileId, string? clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (fileId is null)
        {
            return await SendAsync(session, room, to, text, clientId, cancellationToken).ConfigureAwait(false);
        }

        var file = await FindVisibleFileAsync(session.User, fileId, cancellationToken).ConfigureAwait(false);
        if (!file.Succeeded)
        {
            return file.Error!;
        }

        return await SendCoreAsync(session, room, to, string.IsNullOrWhiteSpace(text) ? "" : text, file.Value!.ToAttachment(), clientId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A stored file the user may see: its uploader, or a member of a room (or participant of a private conversation)
    /// where a message carrying it was sent. <c>no_such_file</c> when unknown or deleted, <c>forbidden</c> when hidden.
    /// </summary>
    public async Task<HubResult<FileRecord>> FindVisibleFileAsync(ChatUser user, string? fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(fileId) || fileId.Length > MaxFileIdLength)
        {
            return new HubError(ErrorCode.NoSuchFile, "there is no such file");
        }

        var file = await _store.FindFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return new HubError(ErrorCode.NoSuchFile, "there is no such file (it may have been deleted)");
        }

        if (user.IsRegistered && file.Owner == user.Key)
        {
            return HubResult<FileRecord>.Ok(file);
        }

        foreach (var conversation in await _store.FileSharesAsync(file.Id, cancellationToken).ConfigureAwait(false))
        {
            var visible = DirectConversationId.TryParse(conversation, out var a, out var b)
                ? a == user.Key || b == user.Key
                : user.IsInRoom(conversation);
            if (visible)
            {
                return HubResult<FileRecord>.Ok(file);
            }
        }

        return new HubError(ErrorCode.Forbidden, "you cannot see that file");
    }

    /// <summary>
    /// Whether the user may delete a stored file: its uploader, or a moderator (<paramref name="isModerator"/>,
    /// decided by whoever knows roles).
    /// </summary>
    public static bool MayDeleteFile(ChatUser user, FileRecord file, bool isModerator)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(file);
        return isModerator || (user.IsRegistered && file.Owner == user.Key);
    }

    /// <summary>Longest file id accepted (ids are 32 hex digits; anything far longer is not worth a query).</summary>
    private const int MaxFileIdLength = 64;
}
