using Piazza.Core.Reactions;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    // Internal so tests can check the query plan: one range read of the unique index per page of messages.
    internal const string PageReactionsSql = """
        SELECT seq, emoji, user_name FROM message_reactions
        WHERE conversation = @conversation AND seq BETWEEN @first AND @last
        ORDER BY seq, emoji_order, id;
        """;

    public async Task<ReactionChange> AddReactionAsync(string conversation, long seq, string emoji, string userKey, string userName, DateTimeOffset at, int maxDistinct, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(emoji);
        ArgumentNullException.ThrowIfNull(userKey);
        ArgumentNullException.ThrowIfNull(userName);
        return await InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                // The message row, locked: reactions to one message (and its deletion) take turns, so the limit holds
                // across nodes and no reaction lands on a message being deleted.
                var standing = await QueryAsync(
                    connection,
                    transaction,
                    "SELECT 1 FROM messages WHERE conversation = @conversation AND seq = @seq AND deleted_by IS NULL FOR UPDATE;",
                    p =>
                    {
                        p.Add(Text("conversation", conversation));
                        p.Add(Bigint("seq", seq));
                    },
                    r => r.GetInt32(0),
                    ct).ConfigureAwait(false);
                if (standing.Count == 0)
                {
                    return ReactionChange.NoMessage;
                }

                var counts = await QueryAsync(
                    connection,
                    transaction,
                    """
                    SELECT count(*) FILTER (WHERE emoji = @emoji AND user_key = @user),
                           count(*) FILTER (WHERE emoji = @emoji),
                           count(DISTINCT emoji)
                    FROM message_reactions WHERE conversation = @conversation AND seq = @seq;
                    """,
                    p =>
                    {
                        p.Add(Text("conversation", conversation));
                        p.Add(Bigint("seq", seq));
                        p.Add(Text("emoji", emoji));
                        p.Add(Text("user", userKey));
                    },
                    r => (Mine: r.GetInt64(0), SameEmoji: r.GetInt64(1), Distinct: r.GetInt64(2)),
                    ct).ConfigureAwait(false);
                var (mine, sameEmoji, distinct) = counts[0];
                if (mine > 0)
                {
                    return ReactionChange.AlreadyThere;
                }

                if (sameEmoji == 0 && distinct >= maxDistinct)
                {
                    return ReactionChange.TooMany;
                }

                await QueryAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO message_reactions (conversation, seq, emoji, emoji_order, user_key, user_name, at)
                    VALUES (@conversation, @seq, @emoji,
                            coalesce((SELECT min(emoji_order) FROM message_reactions WHERE conversation = @conversation AND seq = @seq AND emoji = @emoji),
                                     (SELECT coalesce(max(emoji_order), 0) + 1 FROM message_reactions WHERE conversation = @conversation AND seq = @seq)),
                            @user, @name, @at) RETURNING id;
                    """,
                    p =>
                    {
                        p.Add(Text("conversation", conversation));
                        p.Add(Bigint("seq", seq));
                        p.Add(Text("emoji", emoji));
                        p.Add(Text("user", userKey));
                        p.Add(Text("name", userName));
                        p.Add(Time("at", at));
                    },
                    r => r.GetInt64(0),
                    ct).ConfigureAwait(false);
                return ReactionChange.Added;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveReactionAsync(string conversation, long seq, string emoji, string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(emoji);
        ArgumentNullException.ThrowIfNull(userKey);
        var removed = await ExecuteAsync(
            "DELETE FROM message_reactions WHERE conversation = @conversation AND seq = @seq AND emoji = @emoji AND user_key = @user;",
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("seq", seq));
                p.Add(Text("emoji", emoji));
                p.Add(Text("user", userKey));
            },
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    /// <summary>
    /// <paramref name="page"/> (messages of one conversation) with their reactions, read in one query over the page's
    /// seq range; the same list when none of them has any.
    /// </summary>
    private async Task<List<StoredMessage>> WithReactionsAsync(List<StoredMessage> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return page;
        }

        var conversation = page[0].Conversation;
        var first = page.Min(m => m.Seq);
        var last = page.Max(m => m.Seq);
        var rows = await ReadAsync(
            PageReactionsSql,
            p =>
            {
                p.Add(Text("conversation", conversation));
                p.Add(Bigint("first", first));
                p.Add(Bigint("last", last));
            },
            r => (Seq: r.GetInt64(0), Emoji: r.GetString(1), User: r.GetString(2)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? page : ReactionRows.Attach(page, rows);
    }

    /// <summary>Removes a deleted message's reactions inside the caller's transaction.</summary>
    private static async Task DeleteReactionsLockedAsync(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, string conversation, long seq, CancellationToken ct)
    {
        var command = new Npgsql.NpgsqlCommand("DELETE FROM message_reactions WHERE conversation = @conversation AND seq = @seq;", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("conversation", conversation));
            command.Parameters.Add(Bigint("seq", seq));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
