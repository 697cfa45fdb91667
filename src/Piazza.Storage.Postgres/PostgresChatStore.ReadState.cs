using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    // Internal so tests can check their query plans: each is a range read of an index.
    // Messages retention removed are not unread: counting starts no lower than where history now begins.
    internal const string CountUnreadSql = """
        WITH f AS (SELECT greatest(@after, coalesce((SELECT first_seq - 1 FROM history_starts WHERE conversation = @conversation), 0)) AS after)
        SELECT coalesce((SELECT seq FROM messages WHERE conversation = @conversation ORDER BY seq DESC LIMIT 1), 0),
               (SELECT count(*) FROM messages
                WHERE sender_account = @reader AND conversation = @conversation AND seq > (SELECT after FROM f)),
               (SELECT count(*) FROM messages
                WHERE conversation = @conversation AND seq > (SELECT after FROM f) AND deleted_by IS NOT NULL
                  AND sender_account IS DISTINCT FROM @reader),
               (SELECT count(DISTINCT x.seq) FROM message_mentions x
                JOIN messages m ON m.conversation = x.conversation AND m.seq = x.seq
                WHERE x.conversation = @conversation AND x.account_key IN (@reader, '@room') AND x.seq > (SELECT after FROM f)
                  AND m.deleted_by IS NULL AND m.sender_account IS DISTINCT FROM @reader),
               (SELECT after FROM f);
        """;

    private const string InsertMentionsSql = """
        INSERT INTO message_mentions (conversation, account_key, seq)
        SELECT c, a, s FROM unnest(@conversations, @accounts, @seqs) WITH ORDINALITY AS t(c, a, s, i) ORDER BY i
        ON CONFLICT DO NOTHING;
        """;

    public async Task<IReadOnlyDictionary<string, long>> ReadPositionsAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var rows = await ReadAsync(
            "SELECT conversation, seq FROM read_positions WHERE account_key = @account;",
            p => p.Add(Text("account", accountKey)),
            r => (r.GetString(0), r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    public async Task<long> MarkReadAsync(string accountKey, string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(conversation);
        var rows = await RunAsync(
            (connection, ct) => QueryAsync(
                connection,
                null,
                """
                INSERT INTO read_positions AS r (account_key, conversation, seq) VALUES (@account, @conversation, @seq)
                ON CONFLICT (account_key, conversation) DO UPDATE SET seq = greatest(r.seq, excluded.seq)
                RETURNING seq;
                """,
                p =>
                {
                    p.Add(Text("account", accountKey));
                    p.Add(Text("conversation", conversation));
                    p.Add(Bigint("seq", seq));
                },
                r => r.GetInt64(0),
                ct),
            Always, // the upsert keeps the higher position: running it twice changes nothing
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public async Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string readerKey, IReadOnlyList<ReadPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readerKey);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return [];
        }

        return await RunAsync(
            async (connection, ct) =>
            {
                var counts = new List<UnreadCount>(points.Count);
                var batch = new NpgsqlBatch(connection);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var point in points)
                    {
                        var command = new NpgsqlBatchCommand(CountUnreadSql);
                        command.Parameters.Add(Text("conversation", point.Conversation));
                        command.Parameters.Add(Text("reader", readerKey));
                        command.Parameters.Add(Bigint("after", Math.Max(0, point.After)));
                        batch.BatchCommands.Add(command);
                    }

                    var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        foreach (var point in points)
                        {
                            await reader.ReadAsync(ct).ConfigureAwait(false);
                            var (last, own, deleted, mentions) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
                            var after = reader.GetInt64(4);
                            counts.Add(after >= last
                                ? new UnreadCount(point.Conversation, last, 0, 0)
                                : new UnreadCount(point.Conversation, last, Math.Max(0, last - after - own - deleted), mentions));
                            await reader.NextResultAsync(ct).ConfigureAwait(false);
                        }
                    }
                }

                return (IReadOnlyList<UnreadCount>)counts;
            },
            Always,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> MembersAmongAsync(string roomKey, IReadOnlyList<string> accountKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKeys);
        if (accountKeys.Count == 0)
        {
            return [];
        }

        return await ReadAsync(
            "SELECT account_key FROM memberships WHERE room_key = @room AND account_key = ANY(@accounts);",
            p =>
            {
                p.Add(Text("room", roomKey));
                p.Add(Array("accounts", NpgsqlDbType.Text, accountKeys.Distinct(StringComparer.Ordinal).ToArray()));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> MemberCountAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var rows = await ReadAsync(
            "SELECT count(*) FROM memberships WHERE room_key = @room;",
            p => p.Add(Text("room", roomKey)),
            r => (int)r.GetInt64(0),
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <summary>Adds the statement that stores the batch's mentions as rows of the mentions index, in key order (no deadlock).</summary>
    private static void AddMentionInserts(NpgsqlBatch commands, IReadOnlyList<StoredMessage> rows)
    {
        var mentions = rows.SelectMany(m => (m.Mentions ?? []).Select(key => (m.Conversation, Key: key, m.Seq))).Distinct()
            .OrderBy(x => x.Conversation, StringComparer.Ordinal).ThenBy(x => x.Key, StringComparer.Ordinal).ThenBy(x => x.Seq).ToArray();
        if (mentions.Length == 0)
        {
            return;
        }

        var insert = new NpgsqlBatchCommand(InsertMentionsSql);
        insert.Parameters.Add(Array("conversations", NpgsqlDbType.Text, mentions.Select(x => x.Conversation).ToArray()));
        insert.Parameters.Add(Array("accounts", NpgsqlDbType.Text, mentions.Select(x => x.Key).ToArray()));
        insert.Parameters.Add(Array("seqs", NpgsqlDbType.Bigint, mentions.Select(x => x.Seq).ToArray()));
        commands.BatchCommands.Add(insert);
    }

    /// <summary>Keys are folded names (no commas), guests' keys and '@room': a comma joins them unambiguously.</summary>
    private static string? JoinMentions(IReadOnlyList<string>? mentions) => mentions is { Count: > 0 } ? string.Join(',', mentions) : null;

    private static IReadOnlyList<string>? SplitMentions(string? stored) => string.IsNullOrEmpty(stored) ? null : stored.Split(',');
}
