using Piazza.Core.Storage;

namespace Piazza.Core.Replies;

/// <summary>For stores: the originals a page of messages quotes, read in one query, put on the replies that quote them.</summary>
public static class ReplyQuoteRows
{
    /// <summary>The distinct ids the replies among <paramref name="rows"/> answer; empty when none is a reply.</summary>
    public static string[] QuotedIds(IEnumerable<StoredMessage> rows)
        => [.. rows.Where(r => r.ReplyTo is not null).Select(r => r.ReplyTo!).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Fills <see cref="StoredMessage.Reply"/> of each reply in <paramref name="rows"/> whose original is among
    /// <paramref name="originals"/> and in the same conversation (a quote never crosses conversations).
    /// </summary>
    public static List<StoredMessage> Attach(List<StoredMessage> rows, IEnumerable<(string Id, string Conversation, ReplyQuote Quote)> originals)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byId = originals.ToDictionary(o => o.Id, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ReplyTo is { } id && byId.TryGetValue(id, out var original) && original.Conversation == rows[i].Conversation)
            {
                rows[i] = rows[i] with { Reply = original.Quote };
            }
        }

        return rows;
    }
}
