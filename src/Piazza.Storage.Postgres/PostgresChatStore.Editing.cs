using System.Data;
using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>Edits (<see cref="IEditStore"/>): the message row takes the new text; the text it replaces goes to message_versions.</summary>
public sealed partial class PostgresChatStore
{
    public Task<StoredMessage?> EditMessageAsync(string conversation, long seq, string text, IReadOnlyList<string>? mentions, DateTimeOffset editedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(text);
        return InTransactionAsync<StoredMessage?>(
            async (connection, transaction, ct) =>
            {
                // The row is locked until the commit, so concurrent edits of one message number their versions in turn.
                var old = await QueryAsync(
                    connection,
                    transaction,
                    "SELECT text, coalesce(edited_at, ts), mentions FROM messages WHERE conversation = @conversation AND seq = @seq AND deleted_by IS NULL FOR UPDATE;",
                    p =>
                    {
                        p.Add(Text("conversation", conversation));
                        p.Add(Bigint("seq", seq));
                    },
                    r => (Text: r.GetString(0), Ts: ReadTime(r, 1), Mentions: GetNullableString(r, 2)),
                    ct).ConfigureAwait(false);
                if (old.Count == 0)
                {
                    return null;
                }

                var before = SplitMentions(old[0].Mentions) ?? [];
                var after = mentions ?? [];
                void Bind(NpgsqlParameterCollection p)
                {
                    p.Add(Text("conversation", conversation));
                    p.Add(Bigint("seq", seq));
                    p.Add(Text("old_text", old[0].Text));
                    p.Add(Time("old_ts", old[0].Ts));
                    p.Add(Array("before", NpgsqlDbType.Text, before.ToArray()));
                    p.Add(Array("after", NpgsqlDbType.Text, after.ToArray()));
                    p.Add(Text("text", text));
                    p.Add(Text("mentions", JoinMentions(mentions)));
                    p.Add(Time("edited_at", editedAt));
                    p.Add(new NpgsqlParameter<int>("kept", IEditStore.VersionsKept));
                }

                string[] statements =
                [
                    """
                    INSERT INTO message_versions (conversation, seq, version, text, ts)
                    SELECT @conversation, @seq, 1 + coalesce(max(version), 0), @old_text, @old_ts FROM message_versions WHERE conversation = @conversation AND seq = @seq;
                    """,
                    """
                    DELETE FROM message_versions WHERE conversation = @conversation AND seq = @seq
                        AND version <= (SELECT max(version) FROM message_versions WHERE conversation = @conversation AND seq = @seq) - @kept;
                    """,
                    "DELETE FROM message_mentions WHERE conversation = @conversation AND seq = @seq AND account_key = ANY(@before);",
                    "INSERT INTO message_mentions (conversation, account_key, seq) SELECT @conversation, a, @seq FROM unnest(@after) AS t(a) ON CONFLICT DO NOTHING;",
                ];
                foreach (var sql in statements)
                {
                    var command = new NpgsqlCommand(sql, connection, transaction);
                    await using (command.ConfigureAwait(false))
                    {
                        Bind(command.Parameters);
                        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }

                var rows = await QueryAsync(
                    connection,
                    transaction,
                    $"""
                    UPDATE messages SET text = @text, mentions = @mentions, edited_at = @edited_at WHERE conversation = @conversation AND seq = @seq
                    RETURNING {MessageColumns}, deleted_by, mentions, edited_at;
                    """,
                    Bind,
                    ReadMessage,
                    ct).ConfigureAwait(false);
                return rows.Count == 1 ? rows[0] : null;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<MessageVersion>> ReadVersionsAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return await ReadAsync(
            "SELECT text, ts FROM message_versions WHERE conversation = @conversation AND seq = @seq ORDER BY version;",
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("seq", seq));
            },
            r => new MessageVersion(r.GetString(0), ReadTime(r, 1)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Erases a message's earlier texts (its deletion, in the caller's transaction).</summary>
    private static async Task DeleteVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversation, long seq, CancellationToken ct)
    {
        var command = new NpgsqlCommand("DELETE FROM message_versions WHERE conversation = @conversation AND seq = @seq;", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("conversation", conversation));
            command.Parameters.Add(Bigint("seq", seq));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A message's <c>edited_at</c> when the query selected it (found by name, so the column's place does not matter).</summary>
    private static DateTimeOffset? EditedAtOf(NpgsqlDataReader r)
    {
        for (var i = r.FieldCount - 1; i >= 14; i--)
        {
            if (r.GetName(i) == "edited_at")
            {
                return r.IsDBNull(i) ? null : ReadTime(r, i);
            }
        }

        return null;
    }
}
