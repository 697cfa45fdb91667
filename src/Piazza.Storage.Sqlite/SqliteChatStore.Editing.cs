using System.Data;
using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>Edits (<see cref="IEditStore"/>): the message row takes the new text; the text it replaces goes to message_versions.</summary>
public sealed partial class SqliteChatStore
{
    public Task<StoredMessage?> EditMessageAsync(string conversation, long seq, string text, IReadOnlyList<string>? mentions, DateTimeOffset editedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.Parameters.AddWithValue("$conversation", conversation);
                command.Parameters.AddWithValue("$seq", seq);
                command.CommandText = "SELECT text, coalesce(edited_at, ts), mentions FROM messages WHERE conversation = $conversation AND seq = $seq AND deleted_by IS NULL;";
                string oldText;
                long oldTs;
                string? oldMentions;
                using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        return null;
                    }

                    (oldText, oldTs, oldMentions) = (reader.GetString(0), reader.GetInt64(1), GetNullableString(reader, 2));
                }

                command.Parameters.AddWithValue("$old_text", oldText);
                command.Parameters.AddWithValue("$old_ts", oldTs);
                command.Parameters.AddWithValue("$text", text);
                command.Parameters.AddWithValue("$mentions", OrDbNull(JoinMentions(mentions)));
                command.Parameters.AddWithValue("$edited_at", ToUnixMs(editedAt));
                command.Parameters.AddWithValue("$kept", IEditStore.VersionsKept);
                command.CommandText = """
                    INSERT INTO message_versions (conversation, seq, version, text, ts)
                    VALUES ($conversation, $seq,
                            1 + coalesce((SELECT max(version) FROM message_versions WHERE conversation = $conversation AND seq = $seq), 0),
                            $old_text, $old_ts);
                    DELETE FROM message_versions WHERE conversation = $conversation AND seq = $seq
                        AND version <= (SELECT max(version) FROM message_versions WHERE conversation = $conversation AND seq = $seq) - $kept;
                    UPDATE messages SET text = $text, mentions = $mentions, edited_at = $edited_at WHERE conversation = $conversation AND seq = $seq;
                    """;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await ReplaceMentionsAsync(connection, transaction, conversation, seq, SplitMentions(oldMentions), mentions, ct).ConfigureAwait(false);
                command.CommandText = $"SELECT {MessageColumns}, deleted_by, mentions, edited_at FROM messages WHERE conversation = $conversation AND seq = $seq;";
                StoredMessage edited;
                using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    edited = ReadMessage(reader);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return edited;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<MessageVersion>> ReadVersionsAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return await ReadAsync(
            "SELECT text, ts FROM message_versions WHERE conversation = $conversation AND seq = $seq ORDER BY version;",
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$seq", seq);
            },
            r => new MessageVersion(r.GetString(0), FromUnixMs(r.GetInt64(1))),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Erases a message's earlier texts (its deletion, in the caller's transaction).</summary>
    private static async Task DeleteVersionsAsync(SqliteConnection connection, SqliteTransaction transaction, string conversation, long seq, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM message_versions WHERE conversation = $conversation AND seq = $seq;";
        command.Parameters.AddWithValue("$conversation", conversation);
        command.Parameters.AddWithValue("$seq", seq);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The mentions index follows the text: the old text's rows go (by key: primary-key deletes), the new text's come.</summary>
    private static async Task ReplaceMentionsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string conversation, long seq, IReadOnlyList<string>? before, IReadOnlyList<string>? after, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var account = command.Parameters.Add("$account", SqliteType.Text);
        command.Parameters.AddWithValue("$conversation", conversation);
        command.Parameters.AddWithValue("$seq", seq);
        command.CommandText = "DELETE FROM message_mentions WHERE conversation = $conversation AND account_key = $account AND seq = $seq;";
        foreach (var key in before ?? [])
        {
            account.Value = key;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        command.CommandText = "INSERT OR IGNORE INTO message_mentions (conversation, account_key, seq) VALUES ($conversation, $account, $seq);";
        foreach (var key in after ?? [])
        {
            account.Value = key;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A message's <c>edited_at</c> when the query selected it (found by name, so the column's place does not matter).</summary>
    private static DateTimeOffset? EditedAtOf(IDataRecord r)
    {
        for (var i = r.FieldCount - 1; i >= 14; i--)
        {
            if (r.GetName(i) == "edited_at")
            {
                return r.IsDBNull(i) ? null : FromUnixMs(r.GetInt64(i));
            }
        }

        return null;
    }
}
