using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string UploadColumns = "id, owner, length, name, declared_type, sha256, created_at, file_id";
    private const string FileColumns = "id, owner, name, size, mime, sha256, created_at";

    public Task CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return WriteAsync(
            $"INSERT INTO uploads ({UploadColumns}) VALUES ($id, $owner, $length, $name, $type, $sha256, $created_at, NULL);",
            p =>
            {
                p.AddWithValue("$id", upload.Id);
                p.AddWithValue("$owner", upload.Owner);
                p.AddWithValue("$length", upload.Length);
                p.AddWithValue("$name", upload.Name);
                p.AddWithValue("$type", OrDbNull(upload.DeclaredType));
                p.AddWithValue("$sha256", upload.Sha256);
                p.AddWithValue("$created_at", ToUnixMs(upload.CreatedAt));
            },
            cancellationToken);
    }

    public async Task<UploadRecord?> FindUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        var rows = await ReadAsync($"SELECT {UploadColumns} FROM uploads WHERE id = $id;", p => p.AddWithValue("$id", uploadId), ReadUpload, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        return WriteAsync("DELETE FROM uploads WHERE id = $id;", p => p.AddWithValue("$id", uploadId), cancellationToken);
    }

    public async Task<IReadOnlyList<UploadRecord>> UnfinishedUploadsAsync(string? owner, CancellationToken cancellationToken = default)
    {
        return await ReadAsync(
            $"SELECT {UploadColumns} FROM uploads WHERE file_id IS NULL AND ($owner IS NULL OR owner = $owner) ORDER BY created_at;",
            p => p.AddWithValue("$owner", OrDbNull(owner)),
            ReadUpload,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteUploadAsync(string uploadId, FileRecord file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        ArgumentNullException.ThrowIfNull(file);
        await WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = $"INSERT INTO files ({FileColumns}) VALUES ($id, $owner, $name, $size, $mime, $sha256, $created_at);";
                    insert.Parameters.AddWithValue("$id", file.Id);
                    insert.Parameters.AddWithValue("$owner", file.Owner);
                    insert.Parameters.AddWithValue("$name", file.Name);
                    insert.Parameters.AddWithValue("$size", file.Size);
                    insert.Parameters.AddWithValue("$mime", file.Mime);
                    insert.Parameters.AddWithValue("$sha256", file.Sha256);
                    insert.Parameters.AddWithValue("$created_at", ToUnixMs(file.CreatedAt));
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                using (var complete = connection.CreateCommand())
                {
                    complete.Transaction = transaction;
                    complete.CommandText = "UPDATE uploads SET file_id = $file_id WHERE id = $id;";
                    complete.Parameters.AddWithValue("$file_id", file.Id);
                    complete.Parameters.AddWithValue("$id", uploadId);
                    await complete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        var rows = await ReadAsync($"SELECT {FileColumns} FROM files WHERE id = $id;", p => p.AddWithValue("$id", fileId), ReadFile, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<long> StoredBytesOfAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var rows = await ReadAsync("SELECT coalesce(sum(size), 0) FROM files WHERE owner = $owner;", p => p.AddWithValue("$owner", owner), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public async Task<IReadOnlyList<string>> FileSharesAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        return await ReadAsync("SELECT conversation FROM file_shares WHERE file_id = $id;", p => p.AddWithValue("$id", fileId), r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<int?> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        return await WriteAsync<int?>(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;

                // The completed upload row goes with the file (ON DELETE CASCADE); shares are removed here.
                command.CommandText = "DELETE FROM files WHERE id = $id RETURNING sha256;";
                command.Parameters.AddWithValue("$id", fileId);
                if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string sha256)
                {
                    return null;
                }

                command.CommandText = "DELETE FROM file_shares WHERE file_id = $id;";
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                command.CommandText = "SELECT count(*) FROM files WHERE sha256 = $sha256;";
                command.Parameters.AddWithValue("$sha256", sha256);
                var remaining = Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return remaining;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsContentReferencedAsync(string sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        var rows = await ReadAsync("SELECT 1 FROM files WHERE sha256 = $sha256 LIMIT 1;", p => p.AddWithValue("$sha256", sha256), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    private static UploadRecord ReadUpload(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), GetNullableString(r, 4), r.GetString(5), FromUnixMs(r.GetInt64(6)), GetNullableString(r, 7));

    private static FileRecord ReadFile(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), FromUnixMs(r.GetInt64(6)));
}
