using System.IO.Enumeration;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// WHO in its RFC form (352) and as WHOX (<c>WHO mask %fields[,token]</c> → 354), for a channel, a nick, or a mask
/// matched against the people in the asker's own rooms. A private room the asker may not see answers like a missing
/// one: 315 alone, so neither its members nor its existence show.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>WHOX fields in the order 354 carries them (ircv3.net WHOX), whatever order they were asked in.</summary>
    private const string WhoxFieldOrder = "tcuihsnfdlaor";

    /// <summary>Most people a masked WHO lists (it walks the asker's rooms; real servers cap it too).</summary>
    private const int MaxWhoMaskMatches = ChatHub.MaxWhoPage;

    private async ValueTask WhoAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } mask)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "WHO", "Not enough parameters");
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Who) is { } outOfScope)
        {
            ReportError("WHO", mask, outOfScope);
            return;
        }

        var whox = WhoxRequest.Parse(message.Param(1));
        if (IrcNames.RoomOf(mask) is { } room)
        {
            await WhoChannelAsync(session, mask, room, whox).ConfigureAwait(false);
        }
        else if (mask.AsSpan().IndexOfAny('*', '?') >= 0 || mask == "0")
        {
            await WhoMaskAsync(session, mask == "0" ? "*" : mask, whox).ConfigureAwait(false);
        }
        else if (await _hub.LookUpUserAsync(session, mask, withRooms: false).ConfigureAwait(false) is { Online: true } user)
        {
            SendWhoEntry("*", user.Name, !user.Registered, user.Away, user.Admin, op: false, user.Bot, whox);
        }

        SendNumeric(IrcNumerics.EndOfWho, mask, "End of WHO list");
    }

    /// <summary>Everyone present, page by page, pausing while this client's outbox is over half full.</summary>
    private async Task WhoChannelAsync(ChatSession session, string channel, string room, WhoxRequest? whox)
    {
        var ranks = await _hub.RoomRanksAsync(session, room).ConfigureAwait(false);
        if (!ranks.Succeeded)
        {
            return;
        }

        string? cursor = null;
        do
        {
            var page = await _hub.WhoAsync(session, room, cursor, ChatHub.MaxWhoPage).ConfigureAwait(false);
            if (!page.Succeeded)
            {
                return;
            }

            foreach (var entry in page.Value!.Users)
            {
                SendWhoEntry(channel, entry.User, entry.Guest, entry.Away, admin: false, ranks.Value!.IsOperator(entry.User), entry.Bot, whox);
            }

            cursor = page.Value.Next;
            await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
        }
        while (cursor is not null);
    }

    /// <summary>A nick mask (<c>*</c>, <c>?</c>) over the people in the rooms the asker is in: the people it can see anyway.</summary>
    private async Task WhoMaskAsync(ChatSession session, string mask, WhoxRequest? whox)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in session.User.Rooms)
        {
            string? cursor = null;
            do
            {
                var page = await _hub.WhoAsync(session, room, cursor, ChatHub.MaxWhoPage).ConfigureAwait(false);
                if (!page.Succeeded)
                {
                    break;
                }

                foreach (var entry in page.Value!.Users)
                {
                    if (seen.Count >= MaxWhoMaskMatches)
                    {
                        return;
                    }

                    if (FileSystemName.MatchesSimpleExpression(mask, entry.User, ignoreCase: true) && seen.Add(UserNamePolicy.Fold(entry.User)))
                    {
                        SendWhoEntry("*", entry.User, entry.Guest, entry.Away, admin: false, op: false, entry.Bot, whox);
                    }
                }

                cursor = page.Value.Next;
                await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
            }
            while (cursor is not null);
        }
    }

    /// <summary>
    /// One 352, or one 354 with the requested fields: user and realname are the nick, the host <c>piazza</c>, the
    /// address hidden (255.255.255.255), the account <c>0</c> for a guest; flags H/G, <c>*</c> server admin, <c>@</c>
    /// owner or moderator, <c>B</c> bot (ISUPPORT BOT=B). Idle time is not kept: 0.
    /// </summary>
    private void SendWhoEntry(string channel, string nick, bool guest, string? away, bool admin, bool op, bool bot, WhoxRequest? whox)
    {
        var flags = (away is null ? "H" : "G") + (admin ? "*" : "") + (op ? "@" : "") + (bot ? "B" : "");
        if (whox is null)
        {
            SendNumeric(IrcNumerics.WhoReply, channel, nick, IrcNames.Host, _server.Name, nick, flags, "0 " + nick);
            return;
        }

        var fields = new List<string>(WhoxFieldOrder.Length);
        foreach (var field in WhoxFieldOrder)
        {
            if (whox.Fields.Contains(field, StringComparison.Ordinal))
            {
                fields.Add(field switch
                {
                    't' => whox.Token,
                    'c' => channel,
                    'u' or 'n' or 'r' => nick,
                    'i' => "255.255.255.255",
                    'h' => IrcNames.Host,
                    's' => _server.Name,
                    'f' => flags,
                    'd' or 'l' => "0",
                    'a' => guest ? "0" : nick,
                    _ => "n/a", // 'o': Piazza has no op levels
                });
            }
        }

        SendNumeric(IrcNumerics.WhoSpcRpl, [.. fields]);
    }

    /// <summary>A WHOX request: <c>%fields[,token]</c>; the token is 1–3 digits, echoed as the <c>t</c> field (<c>0</c> when absent).</summary>
    private sealed record WhoxRequest(string Fields, string Token)
    {
        public static WhoxRequest? Parse(string? parameter)
        {
            if (parameter is not ['%', .. var rest])
            {
                return null;
            }

            var comma = rest.IndexOf(',', StringComparison.Ordinal);
            var token = comma < 0 ? "" : rest[(comma + 1)..];
            var valid = token.Length is > 0 and <= 3 && token.All(char.IsAsciiDigit);
            return new WhoxRequest(comma < 0 ? rest : rest[..comma], valid ? token : "0");
        }
    }
}
