using Microsoft.Data.Sqlite;
using Piazza.Core.Reactions;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    // Internal so tests can check the query plan: one range read of the unique index per page of messages.
    internal const string PageReactionsSql = """
        SELECT seq, emoji, user_name FROM message_reactions
        WHERE conversation = $conversation AND seq BETWEEN $first AND $last
        ORDER BY seq, emoji_order, id;
        """;

    public async Task<ReactionChange> AddReactionAsync(string conversation, long seq, string emoji, string userKey, string userName, DateTimeOffset at, int maxDistinct, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(emoji);
        ArgumentNullException.ThrowIfNull(userKey);
        ArgumentNullException.ThrowIfNull(userName);
        return await WriteAsync(
            async (connection, ct) =>
            {
                // The one writer connection and an immediate transaction: the checks and the insert see the same rows.
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.Parameters.AddWithValue("$conversation", conversation);
                command.Parameters.AddWithValue("$seq", seq);
                command.Parameters.AddWithValue("$emoji", emoji);
                command.Parameters.AddWithValue("$user", userKey);
                command.Parameters.AddWithValue("$name", userName);
                command.Parameters.AddWithValue("$at", ToUnixMs(at));
                command.CommandText = """
                    SELECT
                      (SELECT count(*) FROM messages WHERE conversation = $conversation AND seq = $seq AND deleted_by IS NULL),
                      (SELECT count(*) FROM message_reactions WHERE conversation = $conversation AND seq = $seq AND emoji = $emoji AND user_key = $user),
                      (SELECT count(*) FROM message_reactions WHERE conversation = $conversation AND seq = $seq AND emoji = $emoji),
                      (SELECT count(DISTINCT emoji) FROM message_reactions WHERE conversation = $conversation AND seq = $seq);
                    """;
                long standing, mine, sameEmoji, distinct;
                using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    (standing, mine, sameEmoji, distinct) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
                }

                var change = standing == 0 ? ReactionChange.NoMessage
                    : mine > 0 ? ReactionChange.AlreadyThere
                    : sameEmoji == 0 && distinct >= maxDistinct ? ReactionChange.TooMany
                    : ReactionChange.Added;
                if (change == ReactionChange.Added)
                {
                    command.CommandText = """
                        INSERT INTO message_reactions (conversation, seq, emoji, emoji_order, user_key, user_name, at)
                        VALUES ($conversation, $seq, $emoji,
                                coalesce((SELECT min(emoji_order) FROM message_reactions WHERE conversation = $conversation AND seq = $seq AND emoji = $emoji),
                                         (SELECT coalesce(max(emoji_order), 0) + 1 FROM message_reactions WHERE conversation = $conversation AND seq = $seq)),
                                $user, $name, $at);
                        """;
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                }

                return change;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveReactionAsync(string conversation, long seq, string emoji, string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(emoji);
        ArgumentNullException.ThrowIfNull(userKey);
        var removed = await WriteAsync(
            "DELETE FROM message_reactions WHERE conversation = $conversation AND seq = $seq AND emoji = $emoji AND user_key = $user;",
            p =>
            {
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$seq", seq);
                p.AddWithValue("$emoji", emoji);
                p.AddWithValue("$user", userKey);
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
                p.AddWithValue("$conversation", conversation);
                p.AddWithValue("$first", first);
                p.AddWithValue("$last", last);
            },
            r => (Seq: r.GetInt64(0), Emoji: r.GetString(1), User: r.GetString(2)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? page : ReactionRows.Attach(page, rows);
    }

    /// <summary>Removes a deleted message's reactions inside the caller's transaction.</summary>
    private static async Task DeleteReactionsLockedAsync(SqliteCommand command, CancellationToken ct)
    {
        command.CommandText = "DELETE FROM message_reactions WHERE conversation = $conversation AND seq = $seq;";
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
