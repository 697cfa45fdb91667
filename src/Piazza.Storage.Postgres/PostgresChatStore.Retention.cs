using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>
/// Retention (<see cref="IRetentionStore"/>): each cut is one short transaction. The generated <c>search_doc</c> and
/// its GIN entry go with the row; reactions go by trigger. Two nodes cutting at once delete the same rows (the second
/// finds them gone) and <c>history_starts</c> only moves forwards (<c>greatest</c>), so running it twice is harmless.
/// </summary>
public sealed partial class PostgresChatStore
{
    private const string CutRange = "conversation = @conversation AND seq >= @from AND seq < @to AND seq NOT IN (SELECT seq FROM pins WHERE conversation = @conversation)";

    public Task SetRoomRetentionAsync(string roomKey, int? days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return ExecuteAsync(
            "UPDATE rooms SET retention_days = @days WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", roomKey));
                p.Add(new NpgsqlParameter("days", NpgsqlDbType.Integer) { Value = days is { } d ? d : DBNull.Value });
            },
            cancellationToken);
    }

    public async Task<int?> RoomRetentionAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var rows = await ReadAsync(
            "SELECT retention_days FROM rooms WHERE key = @key;",
            p => p.Add(Text("key", roomKey)),
            r => r.IsDBNull(0) ? (int?)null : r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<IReadOnlyList<RetentionScope>> RetentionScopesAsync(string? afterKey, int limit, bool ownSettingOnly, CancellationToken cancellationToken = default)
    {
        var sql = ownSettingOnly
            ? "SELECT key, retention_days FROM rooms WHERE key > @after AND retention_days IS NOT NULL ORDER BY key LIMIT @limit;"
            : """
              SELECT key, retention_days FROM (
                  SELECT key, retention_days FROM rooms WHERE key > @after
                  UNION ALL
                  SELECT DISTINCT conversation, NULL::integer FROM private_participants WHERE conversation > @after) s
              ORDER BY key COLLATE "C" LIMIT @limit;
              """;
        return await ReadAsync(
            sql,
            p =>
            {
                p.Add(Text("after", afterKey ?? ""));
                p.Add(Integer("limit", limit));
            },
            r => new RetentionScope(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<HistoryStart?> HistoryStartAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var rows = await ReadAsync(
            "SELECT first_seq, cut_at FROM history_starts WHERE conversation = @conversation;",
            p => p.Add(Text("conversation", conversation)),
            r => new HistoryStart(r.GetInt64(0), ReadTime(r, 1)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<RetentionCut> CutHistoryAsync(string conversation, DateTimeOffset before, int maxMessages, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var start = await HistoryStartAsync(conversation, cancellationToken).ConfigureAwait(false);
        var older = await ReadAsync(
            "SELECT ts < @before FROM messages WHERE conversation = @conversation AND seq >= @from ORDER BY seq LIMIT 1;",
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("from", start?.FirstSeq ?? 0));
                p.Add(Time("before", before));
            },
            r => r.GetBoolean(0),
            cancellationToken).ConfigureAwait(false);
        if (older is not [true])
        {
            return RetentionCut.Nothing(start?.FirstSeq);
        }

        return await InTransactionAsync((connection, transaction, ct) => CutChunkAsync(connection, transaction, conversation, before, maxMessages, now, ct), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RetentionCut> CutChunkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string conversation, DateTimeOffset before, int maxMessages, DateTimeOffset now, CancellationToken ct)
    {
        // Under the pin lock: the NOT IN (pins) below then sees every pin committed before the cut began.
        _ = await QueryAsync(connection, transaction, LockPinsSql, p => p.Add(Text("conversation", conversation)), _ => 0, ct).ConfigureAwait(false);
        var starts = await QueryAsync(
            connection, transaction, "SELECT coalesce(max(first_seq), 0) FROM history_starts WHERE conversation = @conversation;",
            p => p.Add(Text("conversation", conversation)), r => r.GetInt64(0), ct).ConfigureAwait(false);
        var from = starts[0];

        // The chunk: the oldest rows in seq order, up to the first one young enough to stay.
        var chunk = await QueryAsync(
            connection, transaction, "SELECT seq, ts < @before, file_id FROM messages WHERE conversation = @conversation AND seq >= @from ORDER BY seq LIMIT @limit;",
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("from", from));
                p.Add(Time("before", before));
                p.Add(Integer("limit", maxMessages));
            },
            r => (Seq: r.GetInt64(0), Older: r.GetBoolean(1), File: GetNullableString(r, 2)),
            ct).ConfigureAwait(false);
        var taken = chunk.TakeWhile(row => row.Older).ToList();
        if (taken.Count == 0)
        {
            return RetentionCut.Nothing(from == 0 ? null : from);
        }

        var to = taken[^1].Seq + 1;
        var done = taken.Count < chunk.Count || chunk.Count < maxMessages;
        void Bind(NpgsqlParameterCollection p)
        {
            p.Add(Text("conversation", conversation));
            p.Add(Bigint("from", from));
            p.Add(Bigint("to", to));
        }

        _ = await QueryAsync(connection, transaction, $"DELETE FROM message_versions WHERE {CutRange} RETURNING 0;", Bind, _ => 0, ct).ConfigureAwait(false);
        _ = await QueryAsync(connection, transaction, $"DELETE FROM message_mentions WHERE {CutRange} RETURNING 0;", Bind, _ => 0, ct).ConfigureAwait(false);
        var removed = (await QueryAsync(connection, transaction, $"DELETE FROM messages WHERE {CutRange} RETURNING seq;", Bind, r => r.GetInt64(0), ct).ConfigureAwait(false)).Count;
        _ = await QueryAsync(
            connection,
            transaction,
            """
            INSERT INTO history_starts (conversation, first_seq, cut_at) VALUES (@conversation, @to, @now)
            ON CONFLICT (conversation) DO UPDATE SET first_seq = greatest(history_starts.first_seq, excluded.first_seq), cut_at = excluded.cut_at
            RETURNING 0;
            """,
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("to", to));
                p.Add(Time("now", now));
            },
            _ => 0,
            ct).ConfigureAwait(false);

        var (shares, files) = (0, new List<ReclaimedFile>());
        foreach (var fileId in taken.Where(row => row.File is not null).Select(row => row.File!).Distinct(StringComparer.Ordinal))
        {
            var unshared = await QueryAsync(
                connection,
                transaction,
                """
                DELETE FROM file_shares WHERE file_id = @file AND conversation = @conversation
                AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation = @conversation AND file_id = @file) RETURNING 0;
                """,
                p =>
                {
                    p.Add(Text("conversation", conversation));
                    p.Add(Text("file", fileId));
                },
                _ => 0,
                ct).ConfigureAwait(false);
            if (unshared.Count == 0)
            {
                continue;
            }

            shares++;
            var gone = await QueryAsync(
                connection,
                transaction,
                "DELETE FROM files WHERE id = @file AND NOT EXISTS (SELECT 1 FROM file_shares WHERE file_id = @file) RETURNING sha256;",
                p => p.Add(Text("file", fileId)),
                r => r.GetString(0),
                ct).ConfigureAwait(false);
            if (gone is [var sha256])
            {
                // Under the content's lock, as DeleteFileAsync counts, so a concurrent upload of the same bytes is seen.
                _ = await QueryAsync(connection, transaction, LockContentSql, p => p.Add(Text("sha256", sha256)), _ => 0, ct).ConfigureAwait(false);
                var same = await QueryAsync(
                    connection, transaction, "SELECT count(*)::integer FROM files WHERE sha256 = @sha256;",
                    p => p.Add(Text("sha256", sha256)), r => r.GetInt32(0), ct).ConfigureAwait(false);
                files.Add(new ReclaimedFile(fileId, sha256, same[0]));
            }
        }

        return new RetentionCut(removed, to, done, shares, files);
    }
}
