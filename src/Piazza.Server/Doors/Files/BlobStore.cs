using Piazza.Protocol;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The bytes of shared files under <c>&lt;data&gt;/files</c>: unfinished uploads in <c>partial/&lt;uploadId&gt;</c>,
/// complete and verified content in <c>blobs/&lt;ab&gt;/&lt;sha256&gt;</c>, stored once per content. Paths are built only
/// from ids and hashes this server made and checked, never from names. Placing and removing a blob happen under a
/// per-content lock, so a concurrent upload of the same content and the deletion of its last copy cannot cross.
/// </summary>
public sealed class BlobStore
{
    private readonly SemaphoreSlim[] _contentLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public BlobStore(string dataFolder)
    {
        Root = Path.GetFullPath(Path.Combine(dataFolder, "files"));
        PartialFolder = Path.Combine(Root, "partial");
        BlobFolder = Path.Combine(Root, "blobs");
        DataFolder.CreateFolder(PartialFolder);
        DataFolder.CreateFolder(BlobFolder);
    }

    public string Root { get; }

    public string PartialFolder { get; }

    public string BlobFolder { get; }

    /// <summary>Ids of uploads are 32 lower-case hex digits (128 random bits); nothing else is ever a path here.</summary>
    public static bool IsUploadId(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public string PartialPath(string uploadId)
        => IsUploadId(uploadId) ? Path.Combine(PartialFolder, uploadId) : throw new ArgumentException("not an upload id", nameof(uploadId));

    public string BlobPath(string sha256)
    {
        if (!TusHeaders.IsSha256Hex(sha256) || sha256.Any(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("not a lower-case SHA-256", nameof(sha256));
        }

        return Path.Combine(BlobFolder, sha256[..2], sha256);
    }

    /// <summary>Creates the empty partial file of a new upload, owner-only (its rename keeps the mode for the blob).</summary>
    public void CreatePartial(string uploadId)
    {
        using var _ = DataFolder.CreateFile(PartialPath(uploadId));
    }

    /// <summary>Bytes received so far (what the last PATCH synced to disk); a missing partial file counts as 0 and is recreated.</summary>
    public long PartialLength(string uploadId)
    {
        var info = new FileInfo(PartialPath(uploadId));
        if (!info.Exists)
        {
            CreatePartial(uploadId);
            return 0;
        }

        return info.Length;
    }

    public void DeletePartial(string uploadId) => File.Delete(PartialPath(uploadId));

    /// <summary>Every partial file's upload id (for the start-up sweep).</summary>
    public IEnumerable<string> PartialIds() => Directory.EnumerateFiles(PartialFolder).Select(Path.GetFileName).Where(IsUploadId)!;

    /// <summary>Every stored blob's hash (for the start-up sweep and tests).</summary>
    public IEnumerable<string> BlobHashes() => Directory.EnumerateFiles(BlobFolder, "*", SearchOption.AllDirectories)
        .Select(Path.GetFileName).Where(TusHeaders.IsSha256Hex)!;

    /// <summary>Opens a blob for reading; null when it is missing.</summary>
    public FileStream? OpenBlob(string sha256)
    {
        try
        {
            return new FileStream(BlobPath(sha256), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Moves a verified, synced partial file into place as the blob of <paramref name="sha256"/> (or drops it when
    /// that content is stored already), then runs <paramref name="record"/> (the metadata write) under the same lock.
    /// </summary>
    public async Task CommitAsync(string uploadId, string sha256, Func<Task> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var gate = LockOf(sha256);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var target = BlobPath(sha256);
            if (File.Exists(target))
            {
                DeletePartial(uploadId);
            }
            else
            {
                DataFolder.CreateFolder(Path.GetDirectoryName(target)!);

                // rename(2) on one file system: the blob appears whole or not at all.
                File.Move(PartialPath(uploadId), target, overwrite: false);
            }

            await record().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="forget"/> (the metadata delete, answering how many files still have this content) under
    /// the content's lock, and removes the blob when none does.
    /// </summary>
    public async Task<int?> ReleaseAsync(string sha256, Func<Task<int?>> forget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forget);
        var gate = LockOf(sha256);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var remaining = await forget().ConfigureAwait(false);
            if (remaining == 0)
            {
                File.Delete(BlobPath(sha256));
            }

            return remaining;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes a blob nothing references, if still so under its lock (start-up sweep).</summary>
    public async Task RemoveIfUnreferencedAsync(string sha256, Func<Task<bool>> isReferenced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isReferenced);
        var gate = LockOf(sha256);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await isReferenced().ConfigureAwait(false))
            {
                File.Delete(BlobPath(sha256));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private SemaphoreSlim LockOf(string sha256) => _contentLocks[Convert.ToInt32(sha256[..2], 16) % _contentLocks.Length];
}
