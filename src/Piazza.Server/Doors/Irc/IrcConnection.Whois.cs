using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// WHOIS and WHOWAS, answered from the hub's view of one user (<see cref="ChatHub.LookUpUserAsync"/>): the rooms shown
/// are those the asker may see, so a private room and who is in it stay hidden from non-members. Piazza keeps no
/// realname, username or address, so each is the nick, the nick and <c>piazza</c>.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary><c>WHOIS [server|nick] nick</c>: the first of a comma list (TARGMAX WHOIS:1), always ended by 318.</summary>
    private async ValueTask WhoisAsync(ChatSession session, IrcMessage message)
    {
        var nick = (message.Param(1) ?? message.Param(0))?.Split(',')[0];
        if (string.IsNullOrEmpty(nick))
        {
            SendNumeric(IrcNumerics.NoNicknameGiven, "No nickname given");
            return;
        }

        // "WHOIS nick nick" asks the nick's own server for idle time: that is this server too.
        if (message.Param(1) is not null && !string.Equals(message.Param(0), nick, StringComparison.OrdinalIgnoreCase) && !IsThisServer(message.Param(0)))
        {
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Who) is { } outOfScope)
        {
            ReportError("WHOIS", nick, outOfScope);
            return;
        }

        if (await _hub.LookUpUserAsync(session, nick, withRooms: true).ConfigureAwait(false) is not { Online: true } user)
        {
            SendNumeric(IrcNumerics.NoSuchNick, nick, "No such nick/channel");
            SendNumeric(IrcNumerics.EndOfWhois, nick, "End of /WHOIS list");
            return;
        }

        var name = user.Name;
        SendNumeric(IrcNumerics.WhoisUser, name, name, IrcNames.Host, "*", name);
        foreach (var line in WhoisChannelLines(name, user.Rooms))
        {
            Send(line);
        }

        SendNumeric(IrcNumerics.WhoisServer, name, _server.Name, $"{_server.Network} (Piazza)");
        if (user.Away is { } away)
        {
            SendNumeric(IrcNumerics.Away, name, away);
        }

        if (user.Admin)
        {
            SendNumeric(IrcNumerics.WhoisOperator, name, "is a server admin (IRC operator)");
        }

        if (user.Bot)
        {
            SendNumeric(IrcNumerics.WhoisBot, name, $"is a bot on {_server.Network}");
        }

        if (user.Registered)
        {
            SendNumeric(IrcNumerics.WhoisAccount, name, name, "is logged in as");
        }

        SendNumeric(IrcNumerics.EndOfWhois, name, "End of /WHOIS list");
    }

    /// <summary>319 lines, each holding as many channels as fit 512 bytes; <c>@</c> marks the room's owner or a moderator.</summary>
    private List<IrcLine> WhoisChannelLines(string name, IReadOnlyList<(string Room, bool Operator)> rooms)
    {
        var lines = new List<IrcLine>();
        var budget = IrcMessage.MaxBodyBytes - 2 - IrcLine.Utf8Length($":{_server.Name} {IrcNumerics.WhoisChannels} {_nick} {name} :");
        var channels = new List<string>();
        var used = 0;
        foreach (var (room, op) in rooms)
        {
            var channel = (op ? "@" : "") + IrcNames.Channel(room);
            var size = IrcLine.Utf8Length(channel) + 1;
            if (used + size > budget && channels.Count > 0)
            {
                lines.Add(Numeric(IrcNumerics.WhoisChannels, name, string.Join(' ', channels)));
                channels.Clear();
                used = 0;
            }

            channels.Add(channel);
            used += size;
        }

        if (channels.Count > 0)
        {
            lines.Add(Numeric(IrcNumerics.WhoisChannels, name, string.Join(' ', channels)));
        }

        return lines;
    }

    /// <summary>
    /// Piazza keeps no nick history, so WHOWAS answers what is true: a registered account that is offline now was here
    /// under that name (314, 312); anyone else, online or unknown, is 406. Always ended by 369.
    /// </summary>
    private async ValueTask WhowasAsync(ChatSession session, IrcMessage message)
    {
        var nick = message.Param(0)?.Split(',')[0];
        if (string.IsNullOrEmpty(nick))
        {
            SendNumeric(IrcNumerics.NoNicknameGiven, "No nickname given");
            return;
        }

        if (await _hub.LookUpUserAsync(session, nick, withRooms: false, onlineOnly: false).ConfigureAwait(false) is { Registered: true, Online: false } account)
        {
            SendNumeric(IrcNumerics.WhoWasUser, account.Name, account.Name, IrcNames.Host, "*", account.Name);
            SendNumeric(IrcNumerics.WhoisServer, account.Name, _server.Name, $"{_server.Network} (Piazza)");
            SendNumeric(IrcNumerics.EndOfWhoWas, account.Name, "End of WHOWAS");
            return;
        }

        SendNumeric(IrcNumerics.WasNoSuchNick, nick, "There was no such nickname");
        SendNumeric(IrcNumerics.EndOfWhoWas, nick, "End of WHOWAS");
    }
}
