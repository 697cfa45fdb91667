using Piazza.Core.Storage;

namespace Piazza.Core.Reactions;

/// <summary>For stores: reaction rows of a page of messages, read in one query, put on the messages they belong to.</summary>
public static class ReactionRows
{
    /// <summary>
    /// <paramref name="page"/> with each message's <see cref="StoredMessage.Reactions"/> from <paramref name="rows"/>
    /// (ordered by seq, then reaction order); messages without rows are kept as they are.
    /// </summary>
    public static List<StoredMessage> Attach(List<StoredMessage> page, IReadOnlyList<(long Seq, string Emoji, string User)> rows)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(rows);
        var bySeq = rows.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => ReactionSummary.FromRows(g.Select(r => (r.Emoji, r.User))));
        return [.. page.Select(m => bySeq.TryGetValue(m.Seq, out var reactions) && m.DeletedBy is null ? m with { Reactions = reactions } : m)];
    }
}
