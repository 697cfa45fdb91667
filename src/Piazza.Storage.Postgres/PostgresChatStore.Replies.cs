using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Replies;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>
/// Replies, as on SQLite: a message keeps the id it replies to (<c>reply_to</c>); every read builds the quote from
/// the original's current row, so the quote follows edits and deletion. One indexed read (<c>messages_by_id</c>) per
/// page that holds replies, none for a page without.
/// </summary>
public sealed partial class PostgresChatStore
{
    // Internal so tests can check its plan.
    internal const string QuotedSql = "SELECT message_id, conversation, seq, sender, text, deleted_by FROM messages WHERE message_id = ANY(@ids);";

    /// <summary><paramref name="rows"/> with <see cref="StoredMessage.Reply"/> filled for each reply whose original is stored.</summary>
    private async Task<List<StoredMessage>> WithQuotesAsync(List<StoredMessage> rows, CancellationToken cancellationToken)
    {
        var ids = ReplyQuoteRows.QuotedIds(rows);
        if (ids.Length == 0)
        {
            return rows;
        }

        var originals = await ReadAsync(
            QuotedSql,
            p => p.Add(Array("ids", NpgsqlDbType.Text, ids)),
            r => (Id: r.GetString(0), Conversation: r.GetString(1), Quote: ReplyQuote.Of(r.GetString(0), r.GetInt64(2), r.GetString(3), r.GetString(4), deleted: !r.IsDBNull(5))),
            cancellationToken).ConfigureAwait(false);
        return ReplyQuoteRows.Attach(rows, originals);
    }

    /// <summary>The <c>reply_to</c> column of a message row, wherever the query put it; null when not selected.</summary>
    private static string? ReplyToOf(NpgsqlDataReader r)
    {
        for (var i = r.FieldCount - 1; i >= 0; i--)
        {
            if (string.Equals(r.GetName(i), "reply_to", StringComparison.Ordinal))
            {
                return GetNullableString(r, i);
            }
        }

        return null;
    }
}
