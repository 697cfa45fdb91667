using Npgsql;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    private const string UploadColumns = "id, owner, length, name, declared_type, sha256, created_at, file_id";
    private const string FileColumns = "id, owner, name, size, mime, sha256, created_at";

    // Completing and deleting files of one content take the same transaction lock, so of two nodes deleting the last
    // two copies one sees 0 (the blob may go), and a completion never races a deletion of the same content.
    private const string LockContentSql = "SELECT pg_advisory_xact_lock(hashtextextended(@sha256, 0));";

    public Task CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return ExecuteAsync(
            $"INSERT INTO uploads ({UploadColumns}) VALUES (@id, @owner, @length, @name, @type, @sha256, @created_at, NULL);",
            p =>
            {
                p.Add(Text("id", upload.Id));
                p.Add(Text("owner", upload.Owner));
                p.Add(Bigint("length", upload.Length));
                p.Add(Text("name", upload.Name));
                p.Add(Text("type", upload.DeclaredType));
                p.Add(Text("sha256", upload.Sha256));
                p.Add(Time("created_at", upload.CreatedAt));
            },
            cancellationToken);
    }

    public async Task<UploadRecord?> FindUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        var rows = await ReadAsync($"SELECT {UploadColumns} FROM uploads WHERE id = @id;", p => p.Add(Text("id", uploadId)), ReadUpload, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        return ExecuteAsync("DELETE FROM uploads WHERE id = @id;", p => p.Add(Text("id", uploadId)), cancellationToken);
    }

    public async Task<IReadOnlyList<UploadRecord>> UnfinishedUploadsAsync(string? owner, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            $"SELECT {UploadColumns} FROM uploads WHERE file_id IS NULL AND (@owner IS NULL OR owner = @owner) ORDER BY created_at, id;",
            p => p.Add(Text("owner", owner)),
            ReadUpload,
            cancellationToken).ConfigureAwait(false);

    public async Task CompleteUploadAsync(string uploadId, FileRecord file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        ArgumentNullException.ThrowIfNull(file);
        await InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var commands = new NpgsqlBatch(connection, transaction);
                await using (commands.ConfigureAwait(false))
                {
                    var lockContent = new NpgsqlBatchCommand(LockContentSql);
                    lockContent.Parameters.Add(Text("sha256", file.Sha256));
                    var insert = new NpgsqlBatchCommand($"INSERT INTO files ({FileColumns}) VALUES (@id, @owner, @name, @size, @mime, @sha256, @created_at);");
                    insert.Parameters.Add(Text("id", file.Id));
                    insert.Parameters.Add(Text("owner", file.Owner));
                    insert.Parameters.Add(Text("name", file.Name));
                    insert.Parameters.Add(Bigint("size", file.Size));
                    insert.Parameters.Add(Text("mime", file.Mime));
                    insert.Parameters.Add(Text("sha256", file.Sha256));
                    insert.Parameters.Add(Time("created_at", file.CreatedAt));
                    var complete = new NpgsqlBatchCommand("UPDATE uploads SET file_id = @file_id WHERE id = @id;");
                    complete.Parameters.Add(Text("file_id", file.Id));
                    complete.Parameters.Add(Text("id", uploadId));
                    commands.BatchCommands.Add(lockContent);
                    commands.BatchCommands.Add(insert);
                    commands.BatchCommands.Add(complete);
                    await commands.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        var rows = await ReadAsync($"SELECT {FileColumns} FROM files WHERE id = @id;", p => p.Add(Text("id", fileId)), ReadFile, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<long> StoredBytesOfAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var rows = await ReadAsync("SELECT coalesce(sum(size), 0)::bigint FROM files WHERE owner = @owner;", p => p.Add(Text("owner", owner)), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public async Task<IReadOnlyList<string>> FileSharesAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        return await ReadAsync("SELECT conversation FROM file_shares WHERE file_id = @id;", p => p.Add(Text("id", fileId)), r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<int?> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        return await InTransactionAsync<int?>(
            async (connection, transaction, ct) =>
            {
                // The completed upload row goes with the file (ON DELETE CASCADE); shares are removed here.
                var deleted = await QueryAsync(connection, transaction, "DELETE FROM files WHERE id = @id RETURNING sha256;", p => p.Add(Text("id", fileId)), r => r.GetString(0), ct).ConfigureAwait(false);
                if (deleted.Count == 0)
                {
                    return null;
                }

                var sha256 = deleted[0];
                var commands = new NpgsqlBatch(connection, transaction);
                await using (commands.ConfigureAwait(false))
                {
                    var lockContent = new NpgsqlBatchCommand(LockContentSql);
                    lockContent.Parameters.Add(Text("sha256", sha256));
                    var unshare = new NpgsqlBatchCommand("DELETE FROM file_shares WHERE file_id = @id;");
                    unshare.Parameters.Add(Text("id", fileId));
                    commands.BatchCommands.Add(lockContent);
                    commands.BatchCommands.Add(unshare);
                    await commands.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                var remaining = await QueryAsync(
                    connection,
                    transaction,
                    "SELECT count(*)::integer FROM files WHERE sha256 = @sha256;",
                    p => p.Add(Text("sha256", sha256)),
                    r => r.GetInt32(0),
                    ct).ConfigureAwait(false);
                return remaining[0];
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsContentReferencedAsync(string sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        var rows = await ReadAsync("SELECT 1 FROM files WHERE sha256 = @sha256 LIMIT 1;", p => p.Add(Text("sha256", sha256)), r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    private static UploadRecord ReadUpload(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), GetNullableString(r, 4), r.GetString(5), ReadTime(r, 6), GetNullableString(r, 7));

    private static FileRecord ReadFile(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), ReadTime(r, 6));
}
