using System.Globalization;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// LIST (the hub's room list, page by page: a private room only to its members) with ELIST=U's user-count filters, and
/// NAMES over every page of a room's people. The output is paced by this client's outbox, as SAFELIST promises.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary><c>LIST [#a,#b|&gt;n|&lt;n …] [server]</c>: 321, a 322 per room the asker may see, 323.</summary>
    private async ValueTask ListAsync(ChatSession session, IrcMessage message)
    {
        if (!IsThisServer(message.Param(1)))
        {
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Rooms) is { } outOfScope)
        {
            ReportError("LIST", null, outOfScope);
            return;
        }

        var channels = new List<string>();
        var more = -1;
        var fewer = int.MaxValue;
        foreach (var item in (message.Param(0) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.StartsWith('#'))
            {
                channels.Add(item);
            }
            else if (item is ['>', .. var above] && int.TryParse(above, NumberStyles.None, CultureInfo.InvariantCulture, out var least))
            {
                more = Math.Max(more, least);
            }
            else if (item is ['<', .. var below] && int.TryParse(below, NumberStyles.None, CultureInfo.InvariantCulture, out var most))
            {
                fewer = Math.Min(fewer, most);
            }

            // Other ELIST conditions (C, T, masks) are not offered in ISUPPORT; they filter nothing.
        }

        bool Shown(int members) => members > more && members < fewer;
        SendNumeric(IrcNumerics.ListStart, "Channel", "Users  Name");
        if (channels.Count > 0)
        {
            foreach (var channel in channels)
            {
                // A private room the asker may not see is no_such_room here, and so is simply not listed.
                var info = await _hub.RoomInfoAsync(session, IrcNames.RoomOf(channel)).ConfigureAwait(false);
                if (info.Succeeded && Shown(info.Value!.Members))
                {
                    SendNumeric(IrcNumerics.List, IrcNames.Channel(info.Value.Name), QueryNumber(info.Value.Members), info.Value.Topic ?? "");
                }
            }
        }
        else
        {
            string? cursor = null;
            do
            {
                var page = await _hub.RoomsAsync(session, cursor, ChatHub.RoomsPageFitting(ChatHub.MaxRoomsPage, _options.Outbox.MaxBytes)).ConfigureAwait(false);
                if (!page.Succeeded)
                {
                    ReportError("LIST", null, page.Error!);
                    break;
                }

                foreach (var room in page.Value!.Rooms.Where(r => Shown(r.Members)))
                {
                    SendNumeric(IrcNumerics.List, IrcNames.Channel(room.Room), QueryNumber(room.Members), room.Topic ?? "");
                }

                cursor = page.Value.Next;
                await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
            }
            while (cursor is not null);
        }

        SendNumeric(IrcNumerics.ListEnd, "End of /LIST");
    }

    /// <summary>
    /// NAMES for one channel: every page of its people (owner and moderators <c>@</c>, Piazza's only prefix, so
    /// multi-prefix changes nothing), then 366. A channel the asker may not see, or none, gets 366 alone.
    /// </summary>
    private async ValueTask NamesPagedAsync(ChatSession session, IrcMessage message)
    {
        var channel = message.Param(0)?.Split(',')[0];
        if (channel is null || IrcNames.RoomOf(channel) is not { } room)
        {
            SendNumeric(IrcNumerics.EndOfNames, channel ?? "*", "End of /NAMES list");
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Who) is { } outOfScope)
        {
            ReportError("NAMES", channel, outOfScope);
            return;
        }

        var ranks = await _hub.RoomRanksAsync(session, room).ConfigureAwait(false);
        string? cursor = null;
        while (ranks.Succeeded)
        {
            var page = await _hub.WhoAsync(session, room, cursor, IrcNamesReply.MostNames).ConfigureAwait(false);
            if (!page.Succeeded)
            {
                break;
            }

            var users = page.Value!.Users;
            var operators = users.Where(u => ranks.Value!.IsOperator(u.User)).Select(u => UserNamePolicy.Fold(u.User)).ToList();
            foreach (var line in IrcNamesReply.Lines(_server.Name, _nick, channel, users, null, operators, Caps, ranks.Value!.Private))
            {
                Send(line);
            }

            cursor = page.Value.Next;
            if (cursor is null)
            {
                break;
            }

            await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
        }

        SendNumeric(IrcNumerics.EndOfNames, channel, "End of /NAMES list");
    }
}
