namespace Piazza.Server.Doors.Irc;

/// <summary>One change a MODE line asks for: <c>+o bob</c> is (true, 'o', "bob"); a list mode without argument asks for the list.</summary>
public readonly record struct IrcModeChange(bool Add, char Mode, string? Argument);

/// <summary>
/// The one mapping of IRC channel modes onto Piazza (ISUPPORT says the same: <c>CHANMODES=b,k,l,imnst</c>,
/// <c>PREFIX=(ov)@+</c>): +o is a room moderator; +b a room ban, and <c>+b m:mask</c> a mute (the mute extban of
/// InspIRCd and others: IRC's voice is not a mute, and Piazza has no +m); +t the topic lock; +i and +s both a private
/// room (unlisted, entered by invitation); +n always on. Masks name one user: <c>nick</c> or <c>nick!*@*</c>.
/// </summary>
public static class IrcModes
{
    /// <summary>The prefix of a mute in a ban mask (<c>+b m:nick!*@*</c>).</summary>
    public const string MutePrefix = "m:";

    /// <summary>The most changes with an argument one MODE line may make (ISUPPORT <c>MODES=4</c>).</summary>
    public const int MaxArgumentModes = 4;

    /// <summary>
    /// The changes of a channel MODE line in order: o, v, b, k take an argument either way, l when set; b without one
    /// asks for the list. A mode that needs an argument and has none is returned with a null argument.
    /// </summary>
    public static List<IrcModeChange> Parse(string modes, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(modes);
        ArgumentNullException.ThrowIfNull(arguments);
        var changes = new List<IrcModeChange>();
        var add = true;
        var next = 0;
        foreach (var c in modes)
        {
            switch (c)
            {
                case '+':
                    add = true;
                    continue;
                case '-':
                    add = false;
                    continue;
            }

            var takesArgument = c is 'o' or 'v' or 'b' or 'k' || (c == 'l' && add);
            changes.Add(new IrcModeChange(add, c, takesArgument && next < arguments.Count ? arguments[next++] : null));
        }

        return changes;
    }

    /// <summary>The channel's modes as 324 shows them: +n always, +t when the topic is locked, +i and +s for a private room.</summary>
    public static string ChannelModes(bool topicLocked, bool isPrivate)
        => "+" + (isPrivate ? "i" : "") + "n" + (isPrivate ? "s" : "") + (topicLocked ? "t" : "");

    /// <summary>The mask a ban of <paramref name="user"/> is shown as.</summary>
    public static string BanMask(string user) => user + "!*@*";

    /// <summary>The mask a mute of <paramref name="user"/> is shown as.</summary>
    public static string MuteMask(string user) => MutePrefix + BanMask(user);

    /// <summary>
    /// The user a ban mask names, and whether it is a mute (<c>m:</c>): <c>nick</c>, <c>nick!*@*</c>, <c>nick!nick@piazza</c>
    /// and the like. Null for a mask that does not name exactly one user (wildcards in the nick, an address): Piazza
    /// shows no addresses, and a ban is of one user.
    /// </summary>
    public static string? UserOfMask(string mask, out bool mute)
    {
        ArgumentNullException.ThrowIfNull(mask);
        mute = mask.StartsWith(MutePrefix, StringComparison.Ordinal);
        var rest = mute ? mask[MutePrefix.Length..] : mask;
        var bang = rest.IndexOf('!', StringComparison.Ordinal);
        var nick = bang < 0 ? rest : rest[..bang];
        if (nick.Length == 0 || nick.AsSpan().IndexOfAny("*?@!:$") >= 0)
        {
            return null;
        }

        if (bang < 0)
        {
            return nick;
        }

        var userHost = rest[(bang + 1)..].Split('@');
        var named = userHost.Length == 2
            && (userHost[0] == "*" || string.Equals(userHost[0], nick, StringComparison.OrdinalIgnoreCase))
            && (userHost[1] == "*" || string.Equals(userHost[1], IrcNames.Host, StringComparison.OrdinalIgnoreCase));
        return named ? nick : null;
    }

    /// <summary>Why a mode has no Piazza equivalent, as the text of ERR_UNKNOWNMODE (472); null for a mode Piazza has.</summary>
    public static string? Unsupported(char mode, bool add) => mode switch
    {
        'o' or 'b' or 't' or 'i' or 's' => null,
        'n' when add => null,
        'n' => "is always on: only those in a room send to it",
        'v' => "is not used: everyone in a room may speak unless muted (mute with +b m:nick)",
        'm' => "is not supported: Piazza has no moderated rooms (mute one user with +b m:nick)",
        'k' => "is not supported: Piazza rooms have no keys (make the room private with +i and INVITE people)",
        'l' => "is not supported: Piazza rooms have no user limit",
        _ => "is unknown mode char to me",
    };
}
