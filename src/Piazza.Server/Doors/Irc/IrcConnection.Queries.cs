using System.Buffers;
using System.Globalization;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// User and server queries: the table of them, and the short ones (AWAY, MOTD, LUSERS, VERSION, TIME, INFO, ISON,
/// USERHOST, SETNAME). WHO, WHOIS, WHOWAS, LIST and NAMES have their own files.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>Most nicks one USERHOST answers (RFC 2812: five).</summary>
    private const int MaxUserhostNicks = 5;

    /// <summary>Most nicks one ISON looks up (each may cost a store read for a name held on another node).</summary>
    private const int MaxIsonNicks = 64;

    static partial void AddQueryCommands(Dictionary<string, IrcCommand> table)
    {
        table["WHO"] = static (c, s, m) => c.WhoAsync(s, m);
        table["WHOIS"] = static (c, s, m) => c.WhoisAsync(s, m);
        table["WHOWAS"] = static (c, s, m) => c.WhowasAsync(s, m);
        table["LIST"] = static (c, s, m) => c.ListAsync(s, m);
        table["NAMES"] = static (c, s, m) => c.NamesPagedAsync(s, m); // every page, where the first answered only one
        table["AWAY"] = static (c, s, m) => c.AwayAsync(s, m);
        table["MOTD"] = static (c, _, m) => c.MotdAsync(m);
        table["LUSERS"] = static (c, _, _) => c.LusersAsync();
        table["VERSION"] = static (c, _, m) => c.VersionAsync(m);
        table["TIME"] = static (c, _, m) => c.TimeAsync(m);
        table["INFO"] = static (c, _, m) => c.InfoAsync(m);
        table["ISON"] = static (c, s, m) => c.IsonAsync(s, m);
        table["USERHOST"] = static (c, s, m) => c.UserhostAsync(s, m);
        table["SETNAME"] = static (c, _, m) => c.SetnameAsync(m);
    }

    /// <summary>False (after 402) when a query names a server other than this one; this door is one server to its clients.</summary>
    private bool IsThisServer(string? target)
    {
        if (target is null || string.Equals(target, _server.Name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        SendNumeric(IrcNumerics.NoSuchServer, target, "No such server");
        return false;
    }

    /// <summary>AWAY with a text marks the user away on every door and device (306); without one, back (305).</summary>
    private ValueTask AwayAsync(ChatSession session, IrcMessage message)
    {
        if (ChatHub.CheckScope(session, FrameTypes.Away) is { } outOfScope)
        {
            ReportError("AWAY", null, outOfScope);
            return ValueTask.CompletedTask;
        }

        var set = _hub.SetAway(session, message.Param(0));
        if (!set.Succeeded)
        {
            ReportError("AWAY", null, set.Error!);
        }
        else if (set.Value is null)
        {
            SendNumeric(IrcNumerics.UnAway, "You are no longer marked as being away");
        }
        else
        {
            SendNumeric(IrcNumerics.NowAway, "You have been marked as being away");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The message of the day, written by the welcome's own writer so both say it alike.</summary>
    private ValueTask MotdAsync(IrcMessage message)
    {
        if (IsThisServer(message.Param(0)))
        {
            var lines = new ArrayBufferWriter<byte>();
            WriteMotd(lines, _server.Hub.Motd);
            SendRaw(lines.WrittenSpan.ToArray());
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>LUSERS with the hub's counts; Piazza lists nobody as invisible and has no unregistered users to count.</summary>
    private async ValueTask LusersAsync()
    {
        var counts = await _hub.CountServerAsync().ConfigureAwait(false);
        SendNumeric(IrcNumerics.LUserClient, $"There are {counts.GlobalUsers} users and 0 invisible on {counts.Nodes} servers");
        if (counts.AdminsHere > 0)
        {
            SendNumeric(IrcNumerics.LUserOp, QueryNumber(counts.AdminsHere), "operator(s) online");
        }

        SendNumeric(IrcNumerics.LUserChannels, QueryNumber(counts.Rooms), "channels formed");
        SendNumeric(IrcNumerics.LUserMe, $"I have {counts.LocalUsers} clients and {counts.Nodes - 1} servers");
        SendNumeric(IrcNumerics.LocalUsers, $"Current local users: {counts.LocalUsers}");
        SendNumeric(IrcNumerics.GlobalUsers, $"Current global users: {counts.GlobalUsers}");
    }

    /// <summary>351, then the ISUPPORT tokens again (as the spec asks of VERSION).</summary>
    private ValueTask VersionAsync(IrcMessage message)
    {
        if (IsThisServer(message.Param(0)))
        {
            SendNumeric(IrcNumerics.Version, _server.Version, _server.Name, "Piazza chat server, IRC door");
            foreach (var line in SupportLines())
            {
                Send(line);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>391 with the Unix time and offset (modern form) and the time in words, in UTC.</summary>
    private ValueTask TimeAsync(IrcMessage message)
    {
        if (IsThisServer(message.Param(0)))
        {
            var now = DateTimeOffset.UtcNow;
            SendNumeric(IrcNumerics.Time, _server.Name, QueryNumber(now.ToUnixTimeSeconds()), "0", now.ToString("dddd MMMM d yyyy -- HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask InfoAsync(IrcMessage message)
    {
        if (IsThisServer(message.Param(0)))
        {
            foreach (var line in (string[])[
                $"{_server.Version}: Piazza, one chat server with several doors.",
                "This is its IRC door: channels are Piazza rooms and nicks are Piazza names;",
                "terminal, browser and IRC users share the same rooms and history.",
                $"Running since {_server.Started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}.",
            ])
            {
                SendNumeric(IrcNumerics.Info, line);
            }

            SendNumeric(IrcNumerics.EndOfInfo, "End of INFO list");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>ISON: which of the nicks are online (on any node), as they are spelled there.</summary>
    private async ValueTask IsonAsync(ChatSession session, IrcMessage message)
    {
        var nicks = message.Parameters.SelectMany(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Take(MaxIsonNicks).ToList();
        if (nicks.Count == 0)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "ISON", "Not enough parameters");
            return;
        }

        var online = new List<string>();
        foreach (var nick in nicks)
        {
            if (await _hub.LookUpUserAsync(session, nick, withRooms: false).ConfigureAwait(false) is { Online: true } user)
            {
                online.Add(user.Name);
            }
        }

        SendNumeric(IrcNumerics.IsOn, string.Join(' ', online));
    }

    /// <summary>USERHOST: <c>nick[*]=(+|-)nick@piazza</c> for each online nick (<c>*</c> a server admin, <c>-</c> away).</summary>
    private async ValueTask UserhostAsync(ChatSession session, IrcMessage message)
    {
        if (message.Parameters.Count == 0)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "USERHOST", "Not enough parameters");
            return;
        }

        var replies = new List<string>();
        foreach (var nick in message.Parameters.SelectMany(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Take(MaxUserhostNicks))
        {
            if (await _hub.LookUpUserAsync(session, nick, withRooms: false).ConfigureAwait(false) is { Online: true } user)
            {
                replies.Add($"{user.Name}{(user.Admin ? "*" : "")}={(user.Away is null ? '+' : '-')}{user.Name}@{IrcNames.Host}");
            }
        }

        SendNumeric(IrcNumerics.UserHost, string.Join(' ', replies));
    }

    /// <summary>Piazza keeps no real names (the realname is always the nick), so SETNAME is refused as the setname spec says.</summary>
    private ValueTask SetnameAsync(IrcMessage message)
    {
        if (message.Param(0) is null)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "SETNAME", "Not enough parameters");
        }
        else
        {
            SendFail("SETNAME", "CANNOT_CHANGE_REALNAME", "Piazza has no real names: yours is your nick");
        }

        return ValueTask.CompletedTask;
    }

    private static string QueryNumber(long value) => value.ToString(CultureInfo.InvariantCulture);
}
