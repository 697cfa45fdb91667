namespace Piazza.Core.Reactions;

/// <summary>One emoji on a message and who reacted with it, in reaction order (display names).</summary>
public sealed record ReactionSummary(string Emoji, IReadOnlyList<string> Users)
{
    /// <summary>
    /// <paramref name="reactions"/> with <paramref name="user"/> added to (<paramref name="on"/>) or removed from
    /// <paramref name="emoji"/>'s users: a new emoji goes last, an emoji nobody is left on goes; null when none remain.
    /// The same instance when nothing changes.
    /// </summary>
    public static IReadOnlyList<ReactionSummary>? Toggle(IReadOnlyList<ReactionSummary>? reactions, string emoji, string user, bool on)
    {
        var list = reactions is null ? [] : new List<ReactionSummary>(reactions);
        var index = list.FindIndex(r => r.Emoji == emoji);
        if (on)
        {
            if (index < 0)
            {
                list.Add(new ReactionSummary(emoji, [user]));
            }
            else if (list[index].Users.Contains(user))
            {
                return reactions;
            }
            else
            {
                list[index] = list[index] with { Users = [.. list[index].Users, user] };
            }
        }
        else
        {
            if (index < 0 || !list[index].Users.Contains(user))
            {
                return reactions;
            }

            var users = list[index].Users.Where(u => u != user).ToList();
            if (users.Count == 0)
            {
                list.RemoveAt(index);
            }
            else
            {
                list[index] = list[index] with { Users = users };
            }
        }

        return list.Count == 0 ? null : list;
    }

    /// <summary>
    /// Groups reaction rows of one message, given in reaction order, into summaries: emoji by first reaction, users in
    /// reaction order, a name once per emoji.
    /// </summary>
    public static IReadOnlyList<ReactionSummary>? FromRows(IEnumerable<(string Emoji, string User)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var order = new List<string>();
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (emoji, user) in rows)
        {
            if (!users.TryGetValue(emoji, out var names))
            {
                users[emoji] = names = [];
                order.Add(emoji);
            }

            if (!names.Contains(user))
            {
                names.Add(user);
            }
        }

        return order.Count == 0 ? null : [.. order.Select(e => new ReactionSummary(e, users[e]))];
    }
}
