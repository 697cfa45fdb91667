using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    // Internal so tests can check their query plans: each is a range read of an index.
    internal const string OwnAfterSql = """
        SELECT count(*) FROM messages
        WHERE sender_account = $reader AND conversation = $conversation AND seq > $after;
        """;

    internal const string DeletedAfterSql = """
        SELECT count(*) FROM messages
        WHERE conversation = $conversation AND seq > $after AND deleted_by IS NOT NULL
          AND (sender_account IS NULL OR sender_account <> $reader);
        """;

    private const string CutBelowSql = "SELECT coalesce(max(first_seq) - 1, 0) FROM history_starts WHERE conversation = $conversation;";

    internal const string MentionsAfterSql = """
        SELECT count(DISTINCT x.seq) FROM message_mentions x
        JOIN messages m ON m.conversation = x.conversation AND m.seq = x.seq
        WHERE x.conversation = $conversation AND x.account_key IN ($reader, '@room') AND x.seq > $after
          AND m.deleted_by IS NULL AND (m.sender_account IS NULL OR m.sender_account <> $reader);
        """;

    public async Task<IReadOnlyDictionary<string, long>> ReadPositionsAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var rows = await ReadAsync(
            "SELECT conversation, seq FROM read_positions WHERE account_key = $account;",
            p => p.AddWithValue("$account", accountKey),
            r => (r.GetString(0), r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    public Task<long> MarkReadAsync(string accountKey, string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(conversation);
        return WriteAsync(
            async (connection, ct) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO read_positions (account_key, conversation, seq) VALUES ($account, $conversation, $seq)
                    ON CONFLICT (account_key, conversation) DO UPDATE SET seq = max(seq, excluded.seq)
                    RETURNING seq;
                    """;
                command.Parameters.AddWithValue("$account", accountKey);
                command.Parameters.AddWithValue("$conversation", conversation);
                command.Parameters.AddWithValue("$seq", seq);
                return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string readerKey, IReadOnlyList<ReadPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readerKey);
        ArgumentNullException.ThrowIfNull(points);
        var counts = new List<UnreadCount>(points.Count);
        if (points.Count == 0)
        {
            return counts;
        }

        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true); // one snapshot for every count
        foreach (var point in points)
        {
            var last = await CountAsync(connection, LastSeqSql, point, readerKey, cancellationToken).ConfigureAwait(false);
            var after = Math.Max(0, point.After);
            if (after >= last)
            {
                counts.Add(new UnreadCount(point.Conversation, last, 0, 0));
                continue;
            }

            // Messages retention removed are not unread: counting starts where history now begins.
            after = Math.Max(after, await CountAsync(connection, CutBelowSql, point, readerKey, cancellationToken).ConfigureAwait(false));
            var own = await CountAsync(connection, OwnAfterSql, point, readerKey, cancellationToken).ConfigureAwait(false);
            var deleted = await CountAsync(connection, DeletedAfterSql, point, readerKey, cancellationToken).ConfigureAwait(false);
            var mentions = await CountAsync(connection, MentionsAfterSql, point, readerKey, cancellationToken).ConfigureAwait(false);
            counts.Add(new UnreadCount(point.Conversation, last, Math.Max(0, last - after - own - deleted), mentions));
        }

        return counts;
    }

    public async Task<IReadOnlyList<string>> MembersAmongAsync(string roomKey, IReadOnlyList<string> accountKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKeys);
        var members = new List<string>();
        foreach (var key in accountKeys.Distinct(StringComparer.Ordinal))
        {
            var rows = await ReadAsync(
                "SELECT 1 FROM memberships WHERE room_key = $room AND account_key = $account;",
                p =>
                {
                    p.AddWithValue("$room", roomKey);
                    p.AddWithValue("$account", key);
                },
                r => r.GetInt64(0),
                cancellationToken).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                members.Add(key);
            }
        }

        return members;
    }

    public async Task<int> MemberCountAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var rows = await ReadAsync(
            "SELECT count(*) FROM memberships WHERE room_key = $room;",
            p => p.AddWithValue("$room", roomKey),
            r => r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql, ReadPoint point, string readerKey, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$conversation", point.Conversation);
        if (sql.Contains("$reader", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("$reader", readerKey);
        }

        if (sql.Contains("$after", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("$after", Math.Max(0, point.After));
        }

        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }

    /// <summary>Stores a message's mentions as rows of the mentions index (inside the append's transaction).</summary>
    private static async Task InsertMentionsAsync(SqliteCommand insert, StoredMessage message, CancellationToken cancellationToken)
    {
        foreach (var key in message.Mentions ?? [])
        {
            insert.Parameters[0].Value = message.Conversation;
            insert.Parameters[1].Value = key;
            insert.Parameters[2].Value = message.Seq;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static SqliteCommand PrepareInsertMention(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO message_mentions (conversation, account_key, seq) VALUES ($conversation, $account, $seq);";
        command.Parameters.Add("$conversation", SqliteType.Text);
        command.Parameters.Add("$account", SqliteType.Text);
        command.Parameters.Add("$seq", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    /// <summary>Keys are folded names (no commas), guests' keys and '@room': a comma joins them unambiguously.</summary>
    private static string? JoinMentions(IReadOnlyList<string>? mentions) => mentions is { Count: > 0 } ? string.Join(',', mentions) : null;

    private static IReadOnlyList<string>? SplitMentions(string? stored) => string.IsNullOrEmpty(stored) ? null : stored.Split(',');
}
