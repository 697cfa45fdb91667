namespace Piazza.Core.Storage;

/// <summary>
/// Shared files' metadata: unfinished uploads, stored files, and where each file was shared. The bytes themselves
/// live in a blob store beside it (content-addressed by SHA-256); this port only knows their hashes.
/// Shares are written with the messages that carry them (<see cref="IMessageStore.AppendAsync"/>), in one transaction.
/// </summary>
public interface IFileStore
{
    /// <summary>Records a new upload.</summary>
    Task CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken = default);

    /// <summary>An upload, unfinished or completed (then <see cref="UploadRecord.FileId"/> is set); null when unknown.</summary>
    Task<UploadRecord?> FindUploadAsync(string uploadId, CancellationToken cancellationToken = default);

    /// <summary>Removes an upload record; removing a missing one is not an error.</summary>
    Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken = default);

    /// <summary>Every unfinished upload (all owners when <paramref name="owner"/> is null), oldest first.</summary>
    Task<IReadOnlyList<UploadRecord>> UnfinishedUploadsAsync(string? owner, CancellationToken cancellationToken = default);

    /// <summary>Turns an upload into a stored file in one transaction: the file row appears and the upload is marked completed.</summary>
    Task CompleteUploadAsync(string uploadId, FileRecord file, CancellationToken cancellationToken = default);

    Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>The total size of the files an account has stored (each upload counts, even of identical content).</summary>
    Task<long> StoredBytesOfAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>The conversation keys (room keys or <c>@a,b</c>) where a message carrying the file was sent.</summary>
    Task<IReadOnlyList<string>> FileSharesAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a file (its shares and its completed upload record too) and answers how many files still have the same
    /// content, in one transaction: 0 means the blob may be reclaimed. Null when the file did not exist.
    /// </summary>
    Task<int?> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>Whether any stored file has this content.</summary>
    Task<bool> IsContentReferencedAsync(string sha256, CancellationToken cancellationToken = default);
}
