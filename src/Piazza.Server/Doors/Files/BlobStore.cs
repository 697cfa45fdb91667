using System.Security.Cryptography;
using System.Text;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The bytes of shared files under the files folder (<c>--files-dir</c>, by default <c>&lt;data&gt;/files</c>; in a
/// cluster one folder every node mounts): unfinished uploads in <c>partial/&lt;uploadId&gt;</c>, each with its writer's
/// lock file <c>partial/&lt;uploadId&gt;.lock</c>, complete and verified content in <c>blobs/&lt;ab&gt;/&lt;sha256&gt;</c>, stored
/// once per content. Paths are built only from ids and hashes this server made and checked, never from names. Placing
/// and removing a blob happen under a per-content lock, and creating an upload under a per-owner one, each held in this
/// process and in <c>locks/</c> (<see cref="FolderLock"/>), so nodes sharing the folder cannot cross either.
/// </summary>
public sealed class BlobStore
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _contentLocks = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly SemaphoreSlim[] _ownerLocks = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <param name="filesFolder">The files folder itself (created owner-only when missing; an existing one is left as it is).</param>
    public BlobStore(string filesFolder)
    {
        Root = Path.GetFullPath(filesFolder);
        RootExisted = Directory.Exists(Root);
        PartialFolder = Path.Combine(Root, "partial");
        BlobFolder = Path.Combine(Root, "blobs");
        LockFolder = Path.Combine(Root, "locks");
        DataFolder.CreateFolder(PartialFolder);
        DataFolder.CreateFolder(BlobFolder);
        DataFolder.CreateFolder(LockFolder);
    }

    public string Root { get; }

    /// <summary>Whether the files folder was there before (given by the operator, e.g. a shared mount) rather than made here.</summary>
    public bool RootExisted { get; }

    public string PartialFolder { get; }

    public string BlobFolder { get; }

    public string LockFolder { get; }

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

    /// <summary>
    /// Bytes received so far (what the last PATCH synced to disk), read through an open handle (on NFS an open
    /// revalidates the size another node wrote); null when the partial file is missing (completed or discarded meanwhile).
    /// </summary>
    public long? PartialLength(string uploadId)
    {
        try
        {
            using var file = new FileStream(PartialPath(uploadId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Opens the partial file for appending (recreating it, empty and owner-only, when it is missing); only under the upload's lock.</summary>
    public FileStream OpenPartial(string uploadId)
    {
        // Unbuffered: every byte written is in the file at once, so HEAD (here or on another node) sees it.
        var open = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read, Options = FileOptions.Asynchronous, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            open.UnixCreateMode = DataFolder.OwnerOnlyFile;
        }

        return new FileStream(PartialPath(uploadId), open);
    }

    public void DeletePartial(string uploadId) => File.Delete(PartialPath(uploadId));

    /// <summary>The one-writer lock of an upload, across nodes; null while another request (here or on another node) holds it.</summary>
    public FileStream? TryLockUpload(string uploadId) => FolderLock.TryTake(UploadLockPath(uploadId));

    /// <summary>Lets go of an upload's lock; a finished (completed or discarded) upload's lock file is removed first.</summary>
    public void UnlockUpload(string uploadId, FileStream held, bool finished)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (finished)
        {
            // Whoever opened the file before this unlink and locks it after finds the upload's record gone or completed.
            File.Delete(UploadLockPath(uploadId));
        }

        held.Dispose();
    }

    /// <summary>Every partial file's upload id (for the start-up sweep).</summary>
    public IEnumerable<string> PartialIds() => Directory.EnumerateFiles(PartialFolder).Select(Path.GetFileName).Where(IsUploadId)!;

    /// <summary>Every upload id with a lock file (for the start-up sweep).</summary>
    public IEnumerable<string> LockFileIds() => Directory.EnumerateFiles(PartialFolder, "*.lock").Select(Path.GetFileNameWithoutExtension).Where(IsUploadId)!;

    /// <summary>Removes an orphan lock file if nobody holds it.</summary>
    public void DeleteLockFileIfFree(string uploadId)
    {
        if (TryLockUpload(uploadId) is { } held)
        {
            UnlockUpload(uploadId, held, finished: true);
        }
    }

    /// <summary>Holds one owner's upload creations to one at a time on every node (the quota and the count are checked under it).</summary>
    public Task<IDisposable> LockOwnerAsync(string owner, CancellationToken cancellationToken)
        => LockStripeAsync(_ownerLocks, "owner", SHA256.HashData(Encoding.UTF8.GetBytes(owner))[0] % Stripes, cancellationToken);

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
        using (await LockContentAsync(sha256, cancellationToken).ConfigureAwait(false))
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
    }

    /// <summary>
    /// Runs <paramref name="forget"/> (the metadata delete, answering how many files still have this content) under
    /// the content's lock, and removes the blob when none does.
    /// </summary>
    public async Task<int?> ReleaseAsync(string sha256, Func<Task<int?>> forget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forget);
        using (await LockContentAsync(sha256, cancellationToken).ConfigureAwait(false))
        {
            var remaining = await forget().ConfigureAwait(false);
            if (remaining == 0)
            {
                File.Delete(BlobPath(sha256));
            }

            return remaining;
        }
    }

    /// <summary>Removes a blob nothing references, if still so under its lock (start-up sweep).</summary>
    public async Task RemoveIfUnreferencedAsync(string sha256, Func<Task<bool>> isReferenced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isReferenced);
        using (await LockContentAsync(sha256, cancellationToken).ConfigureAwait(false))
        {
            if (!await isReferenced().ConfigureAwait(false))
            {
                File.Delete(BlobPath(sha256));
            }
        }
    }

    private Task<IDisposable> LockContentAsync(string sha256, CancellationToken cancellationToken)
        => LockStripeAsync(_contentLocks, "content", Convert.ToInt32(sha256[..2], 16) % Stripes, cancellationToken);

    /// <summary>One of <see cref="Stripes"/> locks: this process's gate first (so its own requests queue, not poll), then the lock file every node sees.</summary>
    private async Task<IDisposable> LockStripeAsync(SemaphoreSlim[] gates, string kind, int stripe, CancellationToken cancellationToken)
    {
        var gate = gates[stripe];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = await FolderLock.TakeAsync(Path.Combine(LockFolder, $"{kind}-{stripe:x2}"), cancellationToken).ConfigureAwait(false);
            return new HeldStripe(gate, held);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private string UploadLockPath(string uploadId) => PartialPath(uploadId) + ".lock";

    private sealed class HeldStripe(SemaphoreSlim gate, FileStream held) : IDisposable
    {
        public void Dispose()
        {
            held.Dispose();
            gate.Release();
        }
    }
}
