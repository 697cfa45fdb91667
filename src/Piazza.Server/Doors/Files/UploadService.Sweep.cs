using Piazza.Core.Storage;

namespace Piazza.Server.Doors.Files;

/// <summary>The start-up sweep of the files folder, beside other nodes that share it.</summary>
public sealed partial class UploadService
{
    /// <summary>
    /// At start-up: drops expired uploads, partial and lock files without an unfinished upload, and blobs no file
    /// references. Safe beside other nodes using the folder: what another node is writing is locked and left alone.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        WarnAboutTheFolder();
        var live = (await ExpireAsync(await store.UnfinishedUploadsAsync(null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))
            .Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in blobs.PartialIds().Concat(blobs.LockFileIds()).Where(id => !live.Contains(id)).Distinct(StringComparer.Ordinal).ToList())
        {
            // Another node may have created it after the list was read (its record is written before its partial file).
            if (await store.FindUploadAsync(id, cancellationToken).ConfigureAwait(false) is { FileId: null } upload && !IsExpired(upload))
            {
                continue;
            }

            if (blobs.TryLockUpload(id) is { } held)
            {
                blobs.DeletePartial(id);
                blobs.UnlockUpload(id, held, finished: true);
            }
        }

        foreach (var sha256 in blobs.BlobHashes().ToList())
        {
            await blobs.RemoveIfUnreferencedAsync(sha256, () => store.IsContentReferencedAsync(sha256, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Start-up lines about the files folder: an operator's folder open to others, or file locking switched off.</summary>
    private void WarnAboutTheFolder()
    {
        const UnixFileMode Others = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if (blobs.RootExisted && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(blobs.Root) & Others) != 0)
        {
            Log.FilesFolderOpenToOthers(logger, blobs.Root);
        }

        if (FolderLock.IsDisabled)
        {
            Log.FileLockingDisabled(logger);
        }
    }
}
