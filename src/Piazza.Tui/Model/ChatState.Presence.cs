using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// A busy room's joins and leaves, coalesced by the server into one <see cref="MembersChanged"/> per interval: the
/// users change as a set (left first, then joined; ourselves and names already known are no news) and the lines are
/// summarised, "bob, carol and 12 others joined", so a join storm does not flood the message list.
/// </summary>
internal sealed partial class ChatState
{
    /// <summary>Names a summary line spells out before "and N others".</summary>
    public const int NamedInSummary = 2;

    /// <summary>"bob joined", "bob and carol joined", "bob, carol and 12 others joined"; null for nobody.</summary>
    public static string? Summarise(IReadOnlyList<string> names, string verb, int unnamed = 0)
    {
        if (names.Count == 0)
        {
            return unnamed > 0 ? $"{unnamed} others {verb}" : null;
        }

        if (unnamed > 0)
        {
            var shown = names.Take(NamedInSummary).ToList();
            return $"{string.Join(", ", shown)} and {names.Count - shown.Count + unnamed} others {verb}";
        }

        if (names.Count <= NamedInSummary + 1)
        {
            var named = names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";
            return $"{named} {verb}";
        }

        return $"{string.Join(", ", names.Take(NamedInSummary))} and {names.Count - NamedInSummary} others {verb}";
    }

    private void ApplyMembersChanged(MembersChanged batch)
    {
        var room = Ensure(batch.Room);
        var gone = new List<MemberLeft>();
        foreach (var left in batch.Left)
        {
            if (string.Equals(left.User, Self, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (room.RemoveUser(left.User))
            {
                gone.Add(left);
            }
        }

        var came = new List<string>();
        foreach (var joined in batch.Joined)
        {
            if (room.AddUser(joined.Name))
            {
                if (!string.Equals(joined.Name, Self, StringComparison.OrdinalIgnoreCase))
                {
                    came.Add(joined.Name);
                }
            }
        }

        if (batch.Count is { } count)
        {
            room.UserCount = count; // the server's count (the lists are cut at 50 in a storm)
        }

        if (gone.Count > 0 || came.Count > 0 || batch.Count is not null)
        {
            UsersChanged?.Invoke(room);
        }

        var at = TimeOf(batch.At);
        var leftUnnamed = Math.Max(0, batch.LeftTotal - batch.Left.Count);
        if (gone.Count == 1 && leftUnnamed == 0)
        {
            var reason = gone[0].Reason?.ToWire() is { } wire ? $" ({wire})" : "";
            AddLine(room, new ChatLine(at, ChatLineKind.Left, gone[0].User, $"{gone[0].User} left{reason}"));
        }
        else if (Summarise([.. gone.Select(l => l.User)], "left", leftUnnamed) is { } leftLine)
        {
            AddLine(room, new ChatLine(at, ChatLineKind.Left, null, leftLine));
        }

        if (Summarise(came, "joined", Math.Max(0, batch.JoinedTotal - batch.Joined.Count)) is { } joinedLine)
        {
            AddLine(room, new ChatLine(at, ChatLineKind.Joined, came.Count == 1 ? came[0] : null, joinedLine));
        }
    }
}
