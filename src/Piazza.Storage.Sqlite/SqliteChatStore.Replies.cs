using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Piazza.Core.Replies;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>
/// Replies: a message keeps the id it replies to (<c>reply_to</c>); every read builds the quote from the original's
/// current row, so the quote follows edits and deletion. One indexed read (<c>messages_by_id</c>) per page that holds
/// replies, none for a page without.
/// </summary>
public sealed partial class SqliteChatStore
{
    /// <summary>The originals of a page's replies, by id (internal so tests can check its plan).</summary>
    internal static string QuotedSql(int count)
    {
        var sql = new StringBuilder("SELECT message_id, conversation, seq, sender, text, deleted_by FROM messages WHERE message_id IN (");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "$q0" : string.Create(CultureInfo.InvariantCulture, $", $q{i}"));
        }

        return sql.Append(");").ToString();
    }

    /// <summary><paramref name="rows"/> with <see cref="StoredMessage.Reply"/> filled for each reply whose original is stored.</summary>
    private async Task<List<StoredMessage>> WithQuotesAsync(List<StoredMessage> rows, CancellationToken cancellationToken)
    {
        var ids = ReplyQuoteRows.QuotedIds(rows);
        if (ids.Length == 0)
        {
            return rows;
        }

        var originals = await ReadAsync(
            QuotedSql(ids.Length),
            p =>
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    p.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$q{i}"), ids[i]);
                }
            },
            r => (Id: r.GetString(0), Conversation: r.GetString(1), Quote: ReplyQuote.Of(r.GetString(0), r.GetInt64(2), r.GetString(3), r.GetString(4), deleted: !r.IsDBNull(5))),
            cancellationToken).ConfigureAwait(false);
        return ReplyQuoteRows.Attach(rows, originals);
    }

    /// <summary>The <c>reply_to</c> column of a message row, wherever the query put it; null when not selected.</summary>
    private static string? ReplyToOf(SqliteDataReader r)
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
