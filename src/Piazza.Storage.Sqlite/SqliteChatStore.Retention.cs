using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>
/// Retention (<see cref="IRetentionStore"/>): each cut is one short transaction on the writer connection, the path
/// every other write takes, so the message log's appends wait for at most one chunk. FTS5 entries and reactions go
/// with the rows through the triggers of steps 10 and 12.
/// </summary>
public sealed partial class SqliteChatStore
{
    // A seq range of one conversation, pinned messages left out (pins' primary key is (conversation, seq)).
    private const string CutRange = "conversation = $conversation AND seq >= $from AND seq < $to AND seq NOT IN (SELECT seq FROM pins WHERE conversation = $conversation)";

    public Task SetRoomRetentionAsync(string roomKey, int? days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return WriteAsync(
            "UPDATE rooms SET retention_days = $days WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", roomKey);
                p.AddWithValue("$days", days is { } d ? d : DBNull.Value);
            },
            cancellationToken);
    }

    public async Task<int?> RoomRetentionAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var rows = await ReadAsync(
            "SELECT retention_days FROM rooms WHERE key = $key;",
            p => p.AddWithValue("$key", roomKey),
            r => r.IsDBNull(0) ? (int?)null : r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<IReadOnlyList<RetentionScope>> RetentionScopesAsync(string? afterKey, int limit, bool ownSettingOnly, CancellationToken cancellationToken = default)
    {
        var sql = ownSettingOnly
            ? "SELECT key, retention_days FROM rooms WHERE key > $after AND retention_days IS NOT NULL ORDER BY key LIMIT $limit;"
            : """
              SELECT key, retention_days FROM (
                  SELECT key, retention_days FROM rooms WHERE key > $after
                  UNION ALL
                  SELECT DISTINCT conversation, NULL FROM private_participants WHERE conversation > $after)
              ORDER BY key LIMIT $limit;
              """;
        return await ReadAsync(
            sql,
            p =>
            {
                p.AddWithValue("$after", afterKey ?? "");
                p.AddWithValue("$limit", limit);
            },
            r => new RetentionScope(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<HistoryStart?> HistoryStartAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var rows = await ReadAsync(
            "SELECT first_seq, cut_at FROM history_starts WHERE conversation = $conversation;",
            p => p.AddWithValue("$conversation", conversation),
            r => new HistoryStart(r.GetInt64(0), FromUnixMs(r.GetInt64(1))),
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<RetentionCut> CutHistoryAsync(string conversation, DateTimeOffset before, int maxMessages, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);

        // A look first, on a reader: most conversations have nothing to cut, and that must not take the writer.
        var start = await HistoryStartAsync(conversation, cancellationToken).ConfigureAwait(false);
        var oldest = await ReadAsync(
            "SELECT ts FROM messages WHERE conversation = $conversation AND seq >= $from ORDER BY seq LIMIT 1;",
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$from", start?.FirstSeq ?? 0);
            },
            r => r.GetInt64(0),
            cancellationToken).ConfigureAwait(false);
        if (oldest.Count == 0 || oldest[0] >= ToUnixMs(before))
        {
            return RetentionCut.Nothing(start?.FirstSeq);
        }

        return await WriteAsync((connection, ct) => CutChunkAsync(connection, conversation, ToUnixMs(before), maxMessages, ToUnixMs(now), ct), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RetentionCut> CutChunkAsync(SqliteConnection connection, string conversation, long before, int maxMessages, long now, CancellationToken ct)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$conversation", conversation);
        command.CommandText = "SELECT coalesce(max(first_seq), 0) FROM history_starts WHERE conversation = $conversation;";
        var from = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$limit", maxMessages);

        // The chunk: the oldest rows in seq order, up to the first one young enough to stay.
        command.CommandText = "SELECT seq, ts, file_id FROM messages WHERE conversation = $conversation AND seq >= $from ORDER BY seq LIMIT $limit;";
        var (to, rows, done) = (from, 0, false);
        var files = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (reader.GetInt64(1) >= before)
                {
                    done = true;
                    break;
                }

                rows++;
                to = reader.GetInt64(0) + 1;
                if (!reader.IsDBNull(2))
                {
                    files.Add(reader.GetString(2));
                }
            }
        }

        done |= rows < maxMessages;
        if (rows == 0)
        {
            return RetentionCut.Nothing(from == 0 ? null : from);
        }

        command.Parameters.AddWithValue("$to", to);
        command.CommandText = $"""
            DELETE FROM message_versions WHERE {CutRange};
            DELETE FROM message_mentions WHERE {CutRange};
            """;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        command.CommandText = $"DELETE FROM messages WHERE {CutRange};";
        var removed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        command.CommandText = """
            INSERT INTO history_starts (conversation, first_seq, cut_at) VALUES ($conversation, $to, $now)
            ON CONFLICT (conversation) DO UPDATE SET first_seq = max(first_seq, excluded.first_seq), cut_at = excluded.cut_at;
            """;
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);

        var (shares, reclaimed) = await DropSharesAsync(connection, transaction, conversation, files, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return new RetentionCut(removed, to, done, shares, reclaimed);
    }

    /// <summary>
    /// Drops the conversation's share of each file no remaining message there carries (a pinned one may), and deletes
    /// a file shared nowhere any more (its upload record goes by cascade), counting the files left with its content.
    /// </summary>
    private static async Task<(int Shares, List<ReclaimedFile> Files)> DropSharesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string conversation, HashSet<string> fileIds, CancellationToken ct)
    {
        var (shares, reclaimed) = (0, new List<ReclaimedFile>());
        foreach (var fileId in fileIds)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$conversation", conversation);
            command.Parameters.AddWithValue("$file", fileId);
            command.CommandText = """
                DELETE FROM file_shares WHERE file_id = $file AND conversation = $conversation
                AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation = $conversation AND file_id = $file);
                """;
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                continue;
            }

            shares++;
            command.CommandText = "SELECT sha256 FROM files WHERE id = $file AND NOT EXISTS (SELECT 1 FROM file_shares WHERE file_id = $file);";
            if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string sha256)
            {
                continue;
            }

            command.CommandText = "DELETE FROM files WHERE id = $file;";
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            command.CommandText = "SELECT count(*) FROM files WHERE sha256 = $sha256;";
            command.Parameters.AddWithValue("$sha256", sha256);
            var same = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            reclaimed.Add(new ReclaimedFile(fileId, sha256, (int)same));
        }

        return (shares, reclaimed);
    }
}
