using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// MODE: user modes (+i, and +o after OPER) and channel modes mapped onto Piazza as <see cref="IrcModes"/> says. A change
/// the room hears as an event (a role, a mute, the topic lock, privacy) reaches the asker that way, like everyone in the
/// room; one with no room event (a ban's +b, an unban) or made from outside the room (an admin) is answered directly.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>User mode +i as the client last set it (Piazza shows no addresses; the flag changes nothing else).</summary>
    private bool _invisible = true;

    private async ValueTask ModeAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } target)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "MODE", "Not enough parameters");
            return;
        }

        if (IrcNames.RoomOf(target) is not { } room)
        {
            UserMode(target, message.Param(1));
            return;
        }

        if (message.Param(1) is not { Length: > 0 } modes)
        {
            await ChannelModeIsAsync(session, target, room).ConfigureAwait(false);
            return;
        }

        var changes = IrcModes.Parse(modes, [.. message.Parameters.Skip(2)]);
        var withArgument = 0;
        var privacySet = false;
        foreach (var change in changes)
        {
            if (change.Argument is not null && ++withArgument > IrcModes.MaxArgumentModes)
            {
                break; // ISUPPORT MODES=4: the rest is ignored, as servers do
            }

            if (change.Mode is 'i' or 's')
            {
                // +i and +s are one Piazza setting: "+is" sets it once.
                if (!privacySet)
                {
                    privacySet = true;
                    await SetPrivateAsync(session, target, room, change.Add).ConfigureAwait(false);
                }

                continue;
            }

            await ChannelModeAsync(session, target, room, change).ConfigureAwait(false);
        }
    }

    /// <summary><c>MODE nick [changes]</c>: 221 with +i (and +o after OPER); only one's own modes.</summary>
    private void UserMode(string target, string? modes)
    {
        if (!string.Equals(target, _nick, StringComparison.OrdinalIgnoreCase))
        {
            SendNumeric(IrcNumerics.UsersDontMatch, "Can't view or change modes of other users");
            return;
        }

        if (modes is null)
        {
            SendNumeric(IrcNumerics.UModeIs, "+" + (_invisible ? "i" : "") + (_oper ? "o" : ""));
            return;
        }

        var add = true;
        var applied = "";
        var unknown = false;
        foreach (var c in modes)
        {
            switch (c)
            {
                case '+' or '-':
                    add = c == '+';
                    break;
                case 'i' when _invisible != add:
                    _invisible = add;
                    applied += (add ? "+" : "-") + "i";
                    break;
                case 'o' when !add && _oper:
                    _oper = false;
                    applied += "-o";
                    break;
                case 'i' or 'o':
                    break; // no change; +o comes only from OPER, and asking for it is ignored as servers do
                default:
                    unknown = true;
                    break;
            }
        }

        if (applied.Length > 0)
        {
            Send(new IrcLine().Command(IrcNames.Source(_nick), "MODE").Param(_nick).Trailing(applied));
        }

        if (unknown)
        {
            SendNumeric(IrcNumerics.UModeUnknownFlag, "Unknown MODE flag (Piazza has user modes +i and +o)");
        }
    }

    /// <summary><c>MODE #room</c>: 324 and 329.</summary>
    private async ValueTask ChannelModeIsAsync(ChatSession session, string channel, string room)
    {
        var modes = await _hub.RoomModesAsync(session, room).ConfigureAwait(false);
        if (!modes.Succeeded)
        {
            ReportError("MODE", channel, modes.Error!);
            return;
        }

        var (details, created) = modes.Value;
        SendNumeric(IrcNumerics.ChannelModeIs, channel, IrcModes.ChannelModes(details.TopicLocked, details.Private));
        if (created is { } at)
        {
            SendNumeric(IrcNumerics.CreationTime, channel, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async ValueTask ChannelModeAsync(ChatSession session, string channel, string room, IrcModeChange change)
    {
        if (IrcModes.Unsupported(change.Mode, change.Add) is { } why)
        {
            SendNumeric(IrcNumerics.UnknownMode, change.Mode.ToString(), why);
            return;
        }

        switch (change.Mode)
        {
            case 'b' when change.Argument is null:
                await BanListAsync(session, channel, room).ConfigureAwait(false);
                break;
            case 'b':
                await BanAsync(session, channel, room, change.Add, change.Argument).ConfigureAwait(false);
                break;
            case 'o' when change.Argument is null:
                SendNumeric(IrcNumerics.NeedMoreParams, "MODE", "+o and -o need a nick");
                break;
            case 'o':
                await OpAsync(session, channel, room, change.Add, change.Argument).ConfigureAwait(false);
                break;
            case 't':
                await TopicLockAsync(session, channel, room, change.Add).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask OpAsync(ChatSession session, string channel, string room, bool add, string nick)
    {
        if (ChatHub.CheckScope(session, add ? FrameTypes.Op : FrameTypes.Deop) is { } outOfScope)
        {
            ReportError("MODE", channel, outOfScope);
            return;
        }

        var set = await _hub.SetModeratorAsync(session, new ModerationRequest(room, nick), add).ConfigureAwait(false);
        if (!set.Succeeded)
        {
            ReportError("MODE", channel, nick, set.Error!);
            return;
        }

        ReplyIfAway(session, room, add ? "+o" : "-o", set.Value!.User ?? nick);
    }

    /// <summary>+b/-b: a room ban, or with <c>m:</c> a mute; a mask must name one user.</summary>
    private async ValueTask BanAsync(ChatSession session, string channel, string room, bool add, string mask)
    {
        if (IrcModes.UserOfMask(mask, out var mute) is not { } nick)
        {
            SendNumeric(IrcNumerics.InvalidModeParam, channel, "b", mask,
                "A Piazza ban or mute names one user: nick, nick!*@* or m:nick!*@* (no wildcards in the nick; Piazza shows no addresses)");
            return;
        }

        var operation = mute ? (add ? FrameTypes.Mute : FrameTypes.Unmute) : add ? FrameTypes.Ban : FrameTypes.Unban;
        if (ChatHub.CheckScope(session, operation) is { } outOfScope)
        {
            ReportError("MODE", channel, outOfScope);
            return;
        }

        var request = new ModerationRequest(room, nick);
        var done = mute
            ? await (add ? _hub.MuteAsync(session, request) : _hub.UnmuteAsync(session, request)).ConfigureAwait(false)
            : await (add ? _hub.BanAsync(session, request) : _hub.UnbanAsync(session, request)).ConfigureAwait(false);
        if (!done.Succeeded)
        {
            ReportError("MODE", channel, nick, done.Error!);
            return;
        }

        var user = done.Value!.User ?? nick;
        if (mute)
        {
            ReplyIfAway(session, room, add ? "+b" : "-b", IrcModes.MuteMask(user));
        }
        else
        {
            // A ban's +b reaches the room with its KICK (not this connection), an unban reaches nobody: said here.
            Send(IrcEventEncoder.ModeLine(_nick, done.Value.Room ?? room, add ? "+b" : "-b", IrcModes.BanMask(user), DateTimeOffset.UtcNow));
        }
    }

    /// <summary><c>MODE #room b</c>: the room's bans and mutes as 367 (mask, set by, set at), then 368.</summary>
    private async ValueTask BanListAsync(ChatSession session, string channel, string room)
    {
        if (ChatHub.CheckScope(session, FrameTypes.Who) is { } outOfScope)
        {
            ReportError("MODE", channel, outOfScope);
            return;
        }

        var list = await _hub.RoomSanctionsAsync(session, room).ConfigureAwait(false);
        if (!list.Succeeded)
        {
            ReportError("MODE", channel, list.Error!);
            return;
        }

        foreach (var ban in list.Value!.Bans)
        {
            SendNumeric(IrcNumerics.BanList, channel, IrcModes.BanMask(ban.User), ban.By, SetAt(ban.At));
        }

        foreach (var mute in list.Value.Mutes)
        {
            SendNumeric(IrcNumerics.BanList, channel, IrcModes.MuteMask(mute.User), mute.By, SetAt(mute.At));
        }

        SendNumeric(IrcNumerics.EndOfBanList, channel, "End of channel ban list");

        static string SetAt(DateTimeOffset? at) => (at?.ToUnixTimeSeconds() ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private async ValueTask TopicLockAsync(ChatSession session, string channel, string room, bool locked)
    {
        if (ChatHub.CheckScope(session, FrameTypes.Topic) is { } outOfScope)
        {
            ReportError("MODE", channel, outOfScope);
            return;
        }

        var set = await _hub.SetTopicLockAsync(session, room, locked).ConfigureAwait(false);
        if (!set.Succeeded)
        {
            ReportError("MODE", channel, set.Error!);
            return;
        }

        ReplyIfAway(session, set.Value!, locked ? "+t" : "-t", null);
    }

    private async ValueTask SetPrivateAsync(ChatSession session, string channel, string room, bool isPrivate)
    {
        if (ChatHub.CheckScope(session, FrameTypes.RoomSet) is { } outOfScope)
        {
            ReportError("MODE", channel, outOfScope);
            return;
        }

        var set = await _hub.SetRoomPrivateAsync(session, room, isPrivate).ConfigureAwait(false);
        if (!set.Succeeded)
        {
            ReportError("MODE", channel, set.Error!);
            return;
        }

        ReplyIfAway(session, set.Value!, isPrivate ? "+is" : "-is", null);
    }

    /// <summary>The room's event tells those in it; an admin acting from outside the room is told here instead.</summary>
    private void ReplyIfAway(ChatSession session, string room, string modes, string? argument)
    {
        if (!session.User.Rooms.Contains(RoomNamePolicy.Fold(room)))
        {
            Send(IrcEventEncoder.ModeLine(_nick, room, modes, argument, DateTimeOffset.UtcNow));
        }
    }
}
