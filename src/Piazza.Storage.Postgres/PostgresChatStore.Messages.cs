using Npgsql;
using NpgsqlTypes;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    private const string MessageColumns =
        "conversation, seq, message_id, sender, sender_account, recipient, text, ts, client_id, " +
        "file_id, file_name, file_size, file_mime, file_sha256";

    // Internal so tests can check their query plans.
    internal const string LastSeqSql = "SELECT seq FROM messages WHERE conversation = @conversation ORDER BY seq DESC LIMIT 1;";

    internal const string ReadAfterSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE conversation = @conversation AND seq > @seq
        ORDER BY seq LIMIT @limit;
        """;

    internal const string ReadBeforeSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE conversation = @conversation AND seq < @seq
        ORDER BY seq DESC LIMIT @limit;
        """;

    internal const string FindByClientIdSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE sender_account = @account AND conversation = @conversation AND client_id = @client_id
        LIMIT 1;
        """;

    internal const string ConversationsOfSql = """
        SELECT conversation FROM private_participants
        WHERE account_key = @account
        ORDER BY last_activity DESC, conversation
        LIMIT @limit;
        """;

    /// <summary>
    /// Appends messages whose seqs the caller chose (a node alone). The conversations' counters move up to the
    /// highest seq stored, so <see cref="AppendAssigningAsync"/> continues after them. A client id its sender already
    /// stored is kept off the new row (the unique index would refuse the batch): SQLite keeps both, and
    /// <see cref="FindByClientIdAsync"/> answers the first on either store.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        // Validated before the transaction so a bad private key fails the batch without touching the database.
        LatestActivityByParticipant(batch);
        await RetryingConflictsAsync(
            () => InTransactionAsync(
                async (connection, transaction, ct) =>
                {
                    var existing = await StoredClientIdsAsync(connection, transaction, batch, ct).ConfigureAwait(false);
                    var seen = new HashSet<(string, string, string)>(existing.Keys);
                    var rows = batch.Select(m => m.FromAccount is { } a && m.ClientId is { } c && !seen.Add((a, m.Conversation, c)) ? m with { ClientId = null } : m).ToList();
                    var highest = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var message in rows)
                    {
                        highest[message.Conversation] = Math.Max(highest.GetValueOrDefault(message.Conversation), message.Seq);
                    }

                    var commands = new NpgsqlBatch(connection, transaction);
                    await using (commands.ConfigureAwait(false))
                    {
                        var conversations = highest.Keys.Order(StringComparer.Ordinal).ToArray();
                        var raise = new NpgsqlBatchCommand(RaiseCountersSql);
                        raise.Parameters.Add(Array("conversations", NpgsqlDbType.Text, conversations));
                        raise.Parameters.Add(Array("seqs", NpgsqlDbType.Bigint, conversations.Select(c => highest[c]).ToArray()));
                        commands.BatchCommands.Add(raise);
                        AddInserts(commands, rows);
                        await commands.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    return 0;
                },
                cancellationToken)).ConfigureAwait(false);
    }

    // Locks the counter rows in the order given (sorted by the caller), as every appender does: no deadlock.
    private const string RaiseCountersSql = """
        INSERT INTO conversation_seqs AS s (conversation, last_seq)
        SELECT c, n FROM unnest(@conversations, @seqs) WITH ORDINALITY AS t(c, n, i) ORDER BY i
        ON CONFLICT (conversation) DO UPDATE SET last_seq = greatest(s.last_seq, excluded.last_seq);
        """;

    private const string InsertMessagesSql = $"""
        INSERT INTO messages ({MessageColumns}, mentions, reply_to, sender_bot)
        SELECT * FROM unnest(@conversation, @seq, @message_id, @sender, @sender_account, @recipient, @text, @ts, @client_id,
                             @file_id, @file_name, @file_size, @file_mime, @file_sha256, @mentions, @reply_to, @sender_bot);
        """;

    private const string InsertSharesSql = """
        INSERT INTO file_shares (file_id, conversation)
        SELECT f, c FROM unnest(@file_ids, @conversations) WITH ORDINALITY AS t(f, c, i) ORDER BY i
        ON CONFLICT DO NOTHING;
        """;

    private const string TouchParticipantsSql = """
        INSERT INTO private_participants AS p (account_key, conversation, last_activity)
        SELECT a, c, t FROM unnest(@accounts, @conversations, @times) WITH ORDINALITY AS u(a, c, t, i) ORDER BY i
        ON CONFLICT (account_key, conversation) DO UPDATE SET last_activity = greatest(p.last_activity, excluded.last_activity);
        """;

    /// <summary>
    /// Adds the statements that store <paramref name="rows"/>, their file shares and their participants' activity:
    /// one multi-row statement each. Rows that take locks (client ids, shares, participants) are sent in one fixed
    /// order, so two nodes storing overlapping batches wait for each other rather than deadlock.
    /// </summary>
    private static void AddInserts(NpgsqlBatch commands, IReadOnlyList<StoredMessage> rows)
    {
        var ordered = rows.OrderBy(m => m.FromAccount, StringComparer.Ordinal).ThenBy(m => m.ClientId, StringComparer.Ordinal).ToArray();
        var insert = new NpgsqlBatchCommand(InsertMessagesSql);
        var p = insert.Parameters;
        p.Add(Array("conversation", NpgsqlDbType.Text, ordered.Select(m => m.Conversation).ToArray()));
        p.Add(Array("seq", NpgsqlDbType.Bigint, ordered.Select(m => m.Seq).ToArray()));
        p.Add(Array("message_id", NpgsqlDbType.Text, ordered.Select(m => m.MessageId).ToArray()));
        p.Add(Array("sender", NpgsqlDbType.Text, ordered.Select(m => m.From).ToArray()));
        p.Add(Array("sender_account", NpgsqlDbType.Text, ordered.Select(m => m.FromAccount).ToArray()));
        p.Add(Array("recipient", NpgsqlDbType.Text, ordered.Select(m => m.To).ToArray()));
        p.Add(Array("text", NpgsqlDbType.Text, ordered.Select(m => m.Text).ToArray()));
        p.Add(Array("ts", NpgsqlDbType.TimestampTz, ordered.Select(m => ToUtcMs(m.Timestamp)).ToArray()));
        p.Add(Array("client_id", NpgsqlDbType.Text, ordered.Select(m => m.ClientId).ToArray()));
        p.Add(Array("file_id", NpgsqlDbType.Text, ordered.Select(m => m.File?.Id).ToArray()));
        p.Add(Array("file_name", NpgsqlDbType.Text, ordered.Select(m => m.File?.Name).ToArray()));
        p.Add(Array("file_size", NpgsqlDbType.Bigint, ordered.Select(m => m.File?.Size).ToArray()));
        p.Add(Array("file_mime", NpgsqlDbType.Text, ordered.Select(m => m.File?.Mime).ToArray()));
        p.Add(Array("file_sha256", NpgsqlDbType.Text, ordered.Select(m => m.File?.Sha256).ToArray()));
        p.Add(Array("mentions", NpgsqlDbType.Text, ordered.Select(m => JoinMentions(m.Mentions)).ToArray()));
        p.Add(Array("reply_to", NpgsqlDbType.Text, ordered.Select(m => m.ReplyTo).ToArray()));
        p.Add(Array("sender_bot", NpgsqlDbType.Boolean, ordered.Select(m => m.Bot).ToArray()));
        commands.BatchCommands.Add(insert);
        AddMentionInserts(commands, rows);

        // The share lands with its message: a file is visible exactly where a message carries it.
        var shares = rows.Where(m => m.File is not null).Select(m => (File: m.File!.Id, m.Conversation)).Distinct()
            .OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Conversation, StringComparer.Ordinal).ToArray();
        if (shares.Length > 0)
        {
            var share = new NpgsqlBatchCommand(InsertSharesSql);
            share.Parameters.Add(Array("file_ids", NpgsqlDbType.Text, shares.Select(s => s.File).ToArray()));
            share.Parameters.Add(Array("conversations", NpgsqlDbType.Text, shares.Select(s => s.Conversation).ToArray()));
            commands.BatchCommands.Add(share);
        }

        var participants = LatestActivityByParticipant(rows)
            .OrderBy(e => e.Key.Account, StringComparer.Ordinal).ThenBy(e => e.Key.Conversation, StringComparer.Ordinal).ToArray();
        if (participants.Length > 0)
        {
            var touch = new NpgsqlBatchCommand(TouchParticipantsSql);
            touch.Parameters.Add(Array("accounts", NpgsqlDbType.Text, participants.Select(e => e.Key.Account).ToArray()));
            touch.Parameters.Add(Array("conversations", NpgsqlDbType.Text, participants.Select(e => e.Key.Conversation).ToArray()));
            touch.Parameters.Add(Array("times", NpgsqlDbType.TimestampTz, participants.Select(e => ToUtcMs(e.Value)).ToArray()));
            commands.BatchCommands.Add(touch);
        }
    }

    /// <summary>The stored messages whose (sender account, conversation, client id) some message of the batch repeats, by that triple.</summary>
    private static async Task<Dictionary<(string Account, string Conversation, string ClientId), StoredMessage>> StoredClientIdsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<StoredMessage> batch,
        CancellationToken ct)
    {
        var keys = batch.Where(m => m.FromAccount is not null && m.ClientId is not null).Select(m => (m.FromAccount!, m.Conversation, m.ClientId!)).Distinct().ToArray();
        if (keys.Length == 0)
        {
            return [];
        }

        var rows = await QueryAsync(
            connection,
            transaction,
            $"""
            SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages m
            JOIN unnest(@accounts, @conversations, @client_ids) AS k(wanted_account, wanted_conversation, wanted_client_id)
                ON m.sender_account = k.wanted_account AND m.conversation = k.wanted_conversation AND m.client_id = k.wanted_client_id
            WHERE m.client_id IS NOT NULL;
            """,
            p =>
            {
                p.Add(Array("accounts", NpgsqlDbType.Text, keys.Select(k => k.Item1).ToArray()));
                p.Add(Array("conversations", NpgsqlDbType.Text, keys.Select(k => k.Item2).ToArray()));
                p.Add(Array("client_ids", NpgsqlDbType.Text, keys.Select(k => k.Item3).ToArray()));
            },
            ReadMessage,
            ct).ConfigureAwait(false);
        return rows.ToDictionary(m => (m.FromAccount!, m.Conversation, m.ClientId!));
    }

    public async Task<long> LastSeqAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var rows = await ReadAsync(LastSeqSql, p => p.Add(Text("conversation", conversation)), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? 0 : rows[0];
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadAfterAsync(string conversation, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await ReadAsync(ReadAfterSql, BindPage(conversation, afterSeq, limit), ReadMessage, cancellationToken).ConfigureAwait(false);
        return await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadBeforeAsync(string conversation, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // Walk the primary key backwards from beforeSeq, then flip to ascending order for the caller.
        var rows = await ReadAsync(ReadBeforeSql, BindPage(conversation, beforeSeq, limit), ReadMessage, cancellationToken).ConfigureAwait(false);
        rows.Reverse();
        return await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private static Action<NpgsqlParameterCollection> BindPage(string conversation, long seq, int limit) => p =>
    {
        p.Add(Text("conversation", conversation));
        p.Add(Bigint("seq", seq));
        p.Add(Integer("limit", limit));
    };

    public async Task<StoredMessage?> FindByClientIdAsync(string conversation, string accountKey, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(clientId);
        var rows = await ReadAsync(
            FindByClientIdSql,
            p =>
            {
                p.Add(Text("account", accountKey));
                p.Add(Text("conversation", conversation));
                p.Add(Text("client_id", clientId));
            },
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : (await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<string>> ConversationsOfAsync(string accountKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync(
            ConversationsOfSql,
            p =>
            {
                p.Add(Text("account", accountKey));
                p.Add(Integer("limit", limit));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest timestamp per (participant, private conversation) in a batch: one upsert each, not per message.</summary>
    private static Dictionary<(string Account, string Conversation), DateTimeOffset> LatestActivityByParticipant(IReadOnlyList<StoredMessage> batch)
    {
        var latest = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var message in batch)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(batch));
            var conversation = message.Conversation;
            if (!DirectConversationId.IsDirect(conversation))
            {
                continue;
            }

            if (!DirectConversationId.TryParticipants(conversation, out var keys))
            {
                throw new ArgumentException($"'{conversation}' is not a private conversation id (@a,b or @a,b,c…).", nameof(batch));
            }

            foreach (var account in keys)
            {
                var key = (account, conversation);
                latest[key] = latest.TryGetValue(key, out var seen) && seen > message.Timestamp ? seen : message.Timestamp;
            }
        }

        return latest;
    }

    private static StoredMessage ReadMessage(NpgsqlDataReader r) =>
        new(
            r.GetString(0),
            r.GetInt64(1),
            r.GetString(2),
            r.GetString(3),
            GetNullableString(r, 4),
            GetNullableString(r, 5),
            r.GetString(6),
            ReadTime(r, 7),
            GetNullableString(r, 8),
            r.IsDBNull(9) ? null : new FileAttachment(r.GetString(9), r.GetString(10), r.GetInt64(11), r.GetString(12), r.GetString(13)))
        {
            DeletedBy = GetNullableString(r, 14),
            Mentions = r.FieldCount > 15 ? SplitMentions(GetNullableString(r, 15)) : null,
            EditedAt = EditedAtOf(r),
            ReplyTo = ReplyToOf(r),
            Bot = SenderBotOf(r),
        };
}
