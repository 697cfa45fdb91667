using Piazza.Core;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// RPL_NAMREPLY (353) lines for a channel: the room's owner and moderators as operators (<c>@</c>), names cut into
/// lines that fit 512 bytes, each name as <c>nick!nick@piazza</c> with userhost-in-names. One builder for a join's
/// names and the NAMES command.
/// </summary>
public static class IrcNamesReply
{
    /// <summary>The most names one NAMES reply lists (Piazza pages presence; WHO pages on).</summary>
    public const int MostNames = 1000;

    public static List<IrcLine> Lines(string server, string nick, string channel, IReadOnlyList<PresenceEntry> users, string? owner, IReadOnlyList<string> moderators, IrcCapSet caps, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(moderators);
        var head = $":{server} 353 {nick} {(secret ? '@' : '=')} {channel} :";
        var budget = IrcMessage.MaxBodyBytes - 2 - IrcLine.Utf8Length(head);
        var lines = new List<IrcLine>();
        var names = new List<string>();
        var used = 0;
        foreach (var user in users)
        {
            var prefix = IsOperator(user.User, owner, moderators) ? "@" : "";
            var name = prefix + (caps.Has(IrcCap.UserhostInNames) ? IrcNames.Source(user.User) : user.User);
            var size = IrcLine.Utf8Length(name) + 1;
            if (used + size > budget && names.Count > 0)
            {
                lines.Add(Line(server, nick, channel, secret, names));
                names.Clear();
                used = 0;
            }

            names.Add(name);
            used += size;
        }

        if (names.Count > 0)
        {
            lines.Add(Line(server, nick, channel, secret, names));
        }

        return lines;
    }

    /// <summary>Whether a user holds channel operator (<c>+o</c>): the room's owner or one of its moderators (folded names).</summary>
    public static bool IsOperator(string user, string? owner, IReadOnlyList<string> moderators)
    {
        ArgumentNullException.ThrowIfNull(moderators);
        var key = UserNamePolicy.Fold(user);
        return (owner is not null && UserNamePolicy.Fold(owner) == key) || moderators.Contains(key);
    }

    private static IrcLine Line(string server, string nick, string channel, bool secret, List<string> names)
        => new IrcLine().Command(server, IrcNumerics.NamReply).Param(nick).Param(secret ? "@" : "=").Param(channel).Trailing(string.Join(' ', names));
}
