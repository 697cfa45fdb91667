using Piazza.Core.Conversations;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Files;

/// <summary>
/// Who may share, see and delete a stored file. The bytes and the upload protocol are a door's business; the rules
/// are here so that every door applies the same ones.
/// </summary>
internal sealed class FilePermissions(IFileStore store, IRoomStore rooms)
{
    /// <summary>Longest file id accepted (ids are 32 hex digits; anything far longer is not worth a query).</summary>
    private const int MaxFileIdLength = 64;

    /// <summary>
    /// A stored file the user may see: its uploader, or a member of a room (or participant of a private conversation)
    /// where a message carrying it was sent. <c>no_such_file</c> when unknown or deleted, <c>forbidden</c> when hidden.
    /// Only the uploader may share a file nobody has shared yet; afterwards anyone who may see it may share it again.
    /// </summary>
    public async Task<HubResult<FileRecord>> FindVisibleAsync(ChatUser user, string? fileId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(fileId) || fileId.Length > MaxFileIdLength)
        {
            return new HubError(ErrorCode.NoSuchFile, "there is no such file");
        }

        var file = await store.FindFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return new HubError(ErrorCode.NoSuchFile, "there is no such file (it may have been deleted)");
        }

        if (user.IsRegistered && file.Owner == user.Key)
        {
            return HubResult<FileRecord>.Ok(file);
        }

        var shares = await store.FileSharesAsync(file.Id, cancellationToken).ConfigureAwait(false);
        foreach (var conversation in shares)
        {
            var visible = DirectConversationId.IsDirect(conversation) ? Attacher.IsParticipant(conversation, user.Key) : user.IsInRoom(conversation);
            if (visible)
            {
                return HubResult<FileRecord>.Ok(file);
            }
        }

        // A file shared only in private rooms the user is not in is unknown to them, as those rooms are (Rooms/PrivateRooms).
        foreach (var conversation in shares)
        {
            if (DirectConversationId.IsDirect(conversation) || user.IsAdmin || await rooms.FindRoomAsync(conversation, cancellationToken).ConfigureAwait(false) is { Private: false })
            {
                return new HubError(ErrorCode.Forbidden, "you cannot see that file");
            }
        }

        return shares.Count == 0 ? new HubError(ErrorCode.Forbidden, "you cannot see that file") : new HubError(ErrorCode.NoSuchFile, "there is no such file (it may have been deleted)");
    }

    /// <summary>The uploader, or a moderator (<paramref name="isModerator"/>, decided by whoever knows roles).</summary>
    public static bool MayDelete(ChatUser user, FileRecord file, bool isModerator) => isModerator || (user.IsRegistered && file.Owner == user.Key);
}
