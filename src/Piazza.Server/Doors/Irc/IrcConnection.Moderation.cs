using System.Buffers;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// KICK, INVITE and OPER (MODE is in IrcConnection.Modes.cs). Each calls the hub's moderation, which decides who may;
/// what the room sees comes back as events (a kick is the room's departure event, shown as KICK).
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>The operation a named token's scope must allow for OPER: none is listed, so only a password session may.</summary>
    private const string OperOperation = "oper";

    /// <summary>User mode +o: this connection confirmed its admin password with OPER (read loop only).</summary>
    private bool _oper;

    static partial void AddModerationCommands(Dictionary<string, IrcCommand> table)
    {
        table["KICK"] = static (c, s, m) => c.KickAsync(s, m);
        table["INVITE"] = static (c, s, m) => c.InviteAsync(s, m);
        table["MODE"] = static (c, s, m) => c.ModeAsync(s, m);
        table["OPER"] = static (c, s, m) => c.OperAsync(s, m);
    }

    /// <summary><c>KICK #room nick[,nick…] [:reason]</c>: the KICK everyone sees (the kicked user too) is the room's departure event.</summary>
    private async ValueTask KickAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } channel || message.Param(1) is not { Length: > 0 } nicks)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "KICK", "Not enough parameters");
            return;
        }

        if (IrcNames.RoomOf(channel) is not { } room)
        {
            SendNumeric(IrcNumerics.NoSuchChannel, channel, "No such channel (channels start with #)");
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Kick) is { } outOfScope)
        {
            ReportError("KICK", channel, outOfScope);
            return;
        }

        var reason = message.Param(2) is { Length: > 0 } text ? text : null;
        foreach (var nick in nicks.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kicked = await _hub.KickAsync(session, new ModerationRequest(room, nick, Reason: reason)).ConfigureAwait(false);
            if (!kicked.Succeeded)
            {
                ReportError("KICK", channel, nick, kicked.Error!);
            }
        }
    }

    /// <summary>
    /// <c>INVITE nick #room</c>: 341 to the inviter; the invitee's connections hear <c>INVITE</c> (<see cref="WriteInvited"/>).
    /// Without arguments: the user's own open invitations (336, 337).
    /// </summary>
    private async ValueTask InviteAsync(ChatSession session, IrcMessage message)
    {
        if (message.Parameters.Count == 0)
        {
            foreach (var invitation in await _hub.InvitationsAsync(session).ConfigureAwait(false))
            {
                SendNumeric(IrcNumerics.PendingInvite, IrcNames.Channel(invitation.Room));
            }

            SendNumeric(IrcNumerics.EndOfPendingInvites, "End of /INVITE list");
            return;
        }

        if (message.Param(0) is not { Length: > 0 } nick || message.Param(1) is not { Length: > 0 } channel)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "INVITE", "Not enough parameters");
            return;
        }

        if (IrcNames.RoomOf(channel) is not { } room)
        {
            SendNumeric(IrcNumerics.NoSuchChannel, channel, "No such channel (channels start with #)");
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Invite) is { } outOfScope)
        {
            ReportError("INVITE", channel, outOfScope);
            return;
        }

        var invited = await _hub.InviteAsync(session, room, nick).ConfigureAwait(false);
        if (!invited.Succeeded)
        {
            ReportError("INVITE", channel, nick, invited.Error!);
            return;
        }

        var (roomName, user) = invited.Value;
        SendNumeric(IrcNumerics.Inviting, user, IrcNames.Channel(roomName));
    }

    /// <summary>An invitation to this user, from any door: <c>:inviter INVITE nick #room</c>, as IRC servers send it.</summary>
    partial void WriteInvited(IBufferWriter<byte> output, Core.Rooms.InvitedEvent invited)
        => WriteLine(output, IrcEventEncoder.Stamped(invited.Timestamp).Command(IrcNames.Source(invited.By), "INVITE").Param(_nick).Param(IrcNames.Channel(invited.Room)));

    /// <summary>
    /// <c>OPER name password</c>: a server admin confirms their own account's password; the connection then shows user
    /// mode +o. Admins' powers do not wait for it (they are the account's, on every door); OPER makes them visible.
    /// </summary>
    private async ValueTask OperAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } name || message.Param(1) is not { } password)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "OPER", "Not enough parameters");
            return;
        }

        if (ChatHub.CheckScope(session, OperOperation) is { } outOfScope)
        {
            ReportError("OPER", null, outOfScope);
            return;
        }

        var confirmed = await _hub.ConfirmAdminAsync(session, name, password, RemoteAddress).ConfigureAwait(false);
        if (!confirmed.Succeeded)
        {
            ReportError("OPER", null, confirmed.Error!);
            return;
        }

        if (!_oper)
        {
            _oper = true;
            Send(new IrcLine().Command(IrcNames.Source(_nick), "MODE").Param(_nick).Trailing("+o"));
        }

        SendNumeric(IrcNumerics.YoureOper, "You are now an IRC operator (a Piazza server admin)");
    }
}
