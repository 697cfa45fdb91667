using Piazza.Core.Files;
using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>The facade's file permissions: who may see and delete a stored file.</summary>
public sealed partial class ChatHub
{
    /// <summary>A stored file the user may see (its uploader, or where a message carrying it was sent).</summary>
    public Task<HubResult<FileRecord>> FindVisibleFileAsync(ChatUser user, string? fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _files.FindVisibleAsync(user, fileId, cancellationToken);
    }

    /// <summary>Whether the user may delete a stored file: its uploader, or a moderator (decided by whoever knows roles).</summary>
    public static bool MayDeleteFile(ChatUser user, FileRecord file, bool isModerator)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(file);
        return FilePermissions.MayDelete(user, file, isModerator);
    }
}
