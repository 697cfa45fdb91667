using Microsoft.Data.Sqlite;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string MessageColumns =
        "conversation, seq, message_id, sender, sender_account, recipient, text, ts, client_id, " +
        "file_id, file_name, file_size, file_mime, file_sha256";

    // Internal so tests can check their query plans.
    internal const string LastSeqSql =
        "SELECT seq FROM messages WHERE conversation = $conversation ORDER BY seq DESC LIMIT 1;";

    internal const string ReadAfterSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE conversation = $conversation AND seq > $seq
        ORDER BY seq LIMIT $limit;
        """;

    internal const string ReadBeforeSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages
        WHERE conversation = $conversation AND seq < $seq
        ORDER BY seq DESC LIMIT $limit;
        """;

    // INDEXED BY: without statistics SQLite prefers the primary key's conversation prefix, a scan of the whole
    // conversation; the client id index finds the one row (and the statement fails rather than scan if it ever cannot).
    internal const string FindByClientIdSql = $"""
        SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages INDEXED BY messages_by_client_id
        WHERE sender_account = $account AND conversation = $conversation AND client_id = $client_id
        LIMIT 1;
        """;

    internal const string ConversationsOfSql = """
        SELECT conversation FROM private_participants
        WHERE account_key = $account
        ORDER BY last_activity DESC, conversation
        LIMIT $limit;
        """;

    // Prepared once on the writer connection and reused by every batch; touched only under _writeGate.
    private SqliteCommand? _insertMessage;
    private SqliteCommand? _touchParticipant;
    private SqliteCommand? _insertShare;
    private SqliteCommand? _insertMention;

    public async Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        // Validated before the transaction so a bad private key fails the batch without touching the file.
        var participants = LatestActivityByParticipant(batch);
        await WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                await InsertLockedAsync(connection, transaction, batch, participants, ct).ConfigureAwait(false);

                // Disposing an uncommitted transaction rolls it back: a failed batch leaves nothing behind.
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts a batch (with its file shares and participants' activity) inside the caller's write transaction.</summary>
    private async Task InsertLockedAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        IReadOnlyList<StoredMessage> batch,
        Dictionary<(string Account, string Conversation), long> participants,
        CancellationToken ct)
    {
        var insert = _insertMessage ??= PrepareInsertMessage(connection);
        var touch = _touchParticipant ??= PrepareTouchParticipant(connection);
        var share = _insertShare ??= PrepareInsertShare(connection);
        var mention = _insertMention ??= PrepareInsertMention(connection);
        mention.Transaction = transaction;
        insert.Transaction = transaction;
        touch.Transaction = transaction;
        share.Transaction = transaction;
        var p = insert.Parameters;
        foreach (var message in batch)
        {
            p[0].Value = message.Conversation;
            p[1].Value = message.Seq;
            p[2].Value = message.MessageId;
            p[3].Value = message.From;
            p[4].Value = OrDbNull(message.FromAccount);
            p[5].Value = OrDbNull(message.To);
            p[6].Value = message.Text;
            p[7].Value = ToUnixMs(message.Timestamp);
            p[8].Value = OrDbNull(message.ClientId);
            var file = message.File;
            p[9].Value = OrDbNull(file?.Id);
            p[10].Value = OrDbNull(file?.Name);
            p[11].Value = file is null ? DBNull.Value : file.Size;
            p[12].Value = OrDbNull(file?.Mime);
            p[13].Value = OrDbNull(file?.Sha256);
            p[14].Value = OrDbNull(JoinMentions(message.Mentions));
            p["$reply_to"].Value = OrDbNull(message.ReplyTo);
            p["$sender_bot"].Value = message.Bot ? 1 : 0;
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await InsertMentionsAsync(mention, message, ct).ConfigureAwait(false);
            if (file is not null)
            {
                // The share lands with its message: a file is visible exactly where a message carries it.
                share.Parameters[0].Value = file.Id;
                share.Parameters[1].Value = message.Conversation;
                await share.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        foreach (var ((account, conversation), lastActivity) in participants)
        {
            touch.Parameters[0].Value = account;
            touch.Parameters[1].Value = conversation;
            touch.Parameters[2].Value = lastActivity;
            await touch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    public async Task<long> LastSeqAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var rows = await ReadAsync(
            LastSeqSql,
            p => p.AddWithValue("$conversation", conversation),
            r => r.GetInt64(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? 0 : rows[0];
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadAfterAsync(
        string conversation,
        long afterSeq,
        int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await ReadAsync(
            ReadAfterSql,
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$seq", afterSeq);
                p.AddWithValue("$limit", limit);
            },
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadBeforeAsync(
        string conversation,
        long beforeSeq,
        int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        // Walk the primary key backwards from beforeSeq, then flip to ascending order for the caller.
        var rows = await ReadAsync(
            ReadBeforeSql,
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$seq", beforeSeq);
                p.AddWithValue("$limit", limit);
            },
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        rows.Reverse();
        return await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredMessage?> FindByClientIdAsync(
        string conversation,
        string accountKey,
        string clientId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(clientId);
        var rows = await ReadAsync(
            FindByClientIdSql,
            p =>
            {
                p.AddWithValue("$account", accountKey);
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$client_id", clientId);
            },
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : (await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<string>> ConversationsOfAsync(
        string accountKey,
        int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync(
            ConversationsOfSql,
            p =>
            {
                p.AddWithValue("$account", accountKey);
                p.AddWithValue("$limit", limit);
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest timestamp per (participant, private conversation) in a batch: one upsert each, not per message.</summary>
    private static Dictionary<(string Account, string Conversation), long> LatestActivityByParticipant(
        IReadOnlyList<StoredMessage> batch)
    {
        var latest = new Dictionary<(string, string), long>();
        foreach (var message in batch)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(batch));
            var conversation = message.Conversation;
            if (!conversation.StartsWith('@'))
            {
                continue;
            }

            // "@a,b" or a group's "@a,b,c": identity keys cannot contain a comma.
            if (!DirectConversationId.TryParticipants(conversation, out var keys))
            {
                throw new ArgumentException($"'{conversation}' is not a private conversation id (@a,b or @a,b,c…).", nameof(batch));
            }

            var ts = ToUnixMs(message.Timestamp);
            foreach (var account in keys)
            {
                var key = (account, conversation);
                latest[key] = latest.TryGetValue(key, out var seen) ? Math.Max(seen, ts) : ts;
            }
        }

        return latest;
    }

    private static SqliteCommand PrepareInsertMessage(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO messages ({MessageColumns}, mentions, reply_to, sender_bot)
            VALUES ($conversation, $seq, $message_id, $sender, $sender_account, $recipient, $text, $ts, $client_id,
                    $file_id, $file_name, $file_size, $file_mime, $file_sha256, $mentions, $reply_to, $sender_bot);
            """;
        command.Parameters.Add("$conversation", SqliteType.Text);
        command.Parameters.Add("$seq", SqliteType.Integer);
        command.Parameters.Add("$message_id", SqliteType.Text);
        command.Parameters.Add("$sender", SqliteType.Text);
        command.Parameters.Add("$sender_account", SqliteType.Text);
        command.Parameters.Add("$recipient", SqliteType.Text);
        command.Parameters.Add("$text", SqliteType.Text);
        command.Parameters.Add("$ts", SqliteType.Integer);
        command.Parameters.Add("$client_id", SqliteType.Text);
        command.Parameters.Add("$file_id", SqliteType.Text);
        command.Parameters.Add("$file_name", SqliteType.Text);
        command.Parameters.Add("$file_size", SqliteType.Integer);
        command.Parameters.Add("$file_mime", SqliteType.Text);
        command.Parameters.Add("$file_sha256", SqliteType.Text);
        command.Parameters.Add("$mentions", SqliteType.Text);
        command.Parameters.Add("$reply_to", SqliteType.Text);
        command.Parameters.Add("$sender_bot", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    private static SqliteCommand PrepareTouchParticipant(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO private_participants (account_key, conversation, last_activity)
            VALUES ($account, $conversation, $last_activity)
            ON CONFLICT (account_key, conversation)
            DO UPDATE SET last_activity = max(last_activity, excluded.last_activity);
            """;
        command.Parameters.Add("$account", SqliteType.Text);
        command.Parameters.Add("$conversation", SqliteType.Text);
        command.Parameters.Add("$last_activity", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    private static SqliteCommand PrepareInsertShare(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO file_shares (file_id, conversation) VALUES ($file_id, $conversation);";
        command.Parameters.Add("$file_id", SqliteType.Text);
        command.Parameters.Add("$conversation", SqliteType.Text);
        command.Prepare();
        return command;
    }

    private void DisposeAppendCommands()
    {
        _insertShare?.Dispose();
        _insertShare = null;
        _insertMention?.Dispose();
        _insertMention = null;
        _insertMessage?.Dispose();
        _insertMessage = null;
        _touchParticipant?.Dispose();
        _touchParticipant = null;
    }

    private static StoredMessage ReadMessage(SqliteDataReader r) =>
        new(
            r.GetString(0),
            r.GetInt64(1),
            r.GetString(2),
            r.GetString(3),
            GetNullableString(r, 4),
            GetNullableString(r, 5),
            r.GetString(6),
            FromUnixMs(r.GetInt64(7)),
            GetNullableString(r, 8),
            r.IsDBNull(9) ? null : new FileAttachment(r.GetString(9), r.GetString(10), r.GetInt64(11), r.GetString(12), r.GetString(13)))
        {
            DeletedBy = r.FieldCount > 14 ? GetNullableString(r, 14) : null,
            Mentions = r.FieldCount > 15 ? SplitMentions(GetNullableString(r, 15)) : null,
            EditedAt = EditedAtOf(r),
            ReplyTo = ReplyToOf(r),
            Bot = SenderBotOf(r),
        };
}
