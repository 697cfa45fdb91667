using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>Replies: numerics, FAIL standard replies, ERROR, and the one mapping of a hub refusal to IRC's words.</summary>
public sealed partial class IrcConnection
{
    /// <summary>Queues a line for this connection only; a client too far behind to take it is dropped.</summary>
    private void Send(IrcLine line) => SendRaw(line.ToBytes());

    private void SendRaw(byte[] bytes)
    {
        if (TryCapture(bytes))
        {
            return; // part of a labelled command's answer, sent when it returns
        }

        if (!_outbox.TryEnqueue(new Outbound(null, bytes), bytes.Length))
        {
            DropAsSlowConsumer();
        }
    }

    /// <summary><c>:server CODE nick params… :last</c>; the last argument is the trailing text.</summary>
    private void SendNumeric(string code, params string[] parameters) => Send(Numeric(code, parameters));

    private IrcLine Numeric(string code, params string[] parameters)
    {
        var line = new IrcLine().Command(_server.Name, code).Param(_nick);
        for (var i = 0; i < parameters.Length - 1; i++)
        {
            line.Param(parameters[i]);
        }

        return parameters.Length > 0 ? line.Trailing(parameters[^1]) : line;
    }

    /// <summary>An IRCv3 standard reply: <c>FAIL command CODE [context…] :description</c>.</summary>
    private void SendFail(string command, string code, string description, params string[] context)
    {
        var line = new IrcLine().Command(_server.Name, "FAIL").Param(command).Param(code);
        foreach (var item in context)
        {
            line.Param(item);
        }

        Send(line.Trailing(description));
    }

    private void SendError(string text) => Send(new IrcLine().Command(null, "ERROR").Trailing(text));

    /// <summary>
    /// Says why the hub refused <paramref name="command"/> on <paramref name="target"/> in the numeric IRC clients
    /// expect, or as a FAIL with Piazza's error code where IRC has no numeric. Rate limits count towards flooding.
    /// <paramref name="messageId"/> is the message a command named (REDACT's codes carry it).
    /// </summary>
    private void ReportError(string command, string? target, HubError error, string? messageId = null)
    {
        Log.CommandRefused(_logger, Who, command, error.Code.ToWire(), LogText.Of(error.Message));
        var subject = target ?? "*";
        switch (error.Code)
        {
            // draft/message-redaction's codes; a hidden message is as unknown as a missing one (MessageAccess).
            case ErrorCode.NoSuchMessage or ErrorCode.BadRequest when command == "REDACT":
                SendFail(command, "UNKNOWN_MSGID", error.Message, subject, messageId ?? "*");
                break;
            case ErrorCode.Forbidden when command == "REDACT":
                SendFail(command, "REDACT_FORBIDDEN", error.Message, subject, messageId ?? "*");
                break;
            case ErrorCode.NoSuchRoom or ErrorCode.NotInRoom or ErrorCode.BadName when command == "REDACT":
                SendFail(command, "INVALID_TARGET", error.Message, subject);
                break;
            case ErrorCode.AuthFailed when command == "OPER":
                SendNumeric(IrcNumerics.PasswdMismatch, error.Message);
                break;
            case ErrorCode.Forbidden when command == "OPER":
                SendNumeric(IrcNumerics.NoOperHost, error.Message);
                break;
            // draft/chathistory and draft/read-marker name a target they cannot use in their own FAIL codes, the
            // same whether it is missing or hidden (a private room or conversation answers as a missing one).
            case ErrorCode.NoSuchRoom or ErrorCode.NotInRoom or ErrorCode.NoSuchUser or ErrorCode.BadName or ErrorCode.BadRequest or ErrorCode.Forbidden
                when command is "CHATHISTORY" or "MARKREAD":
                SendFail(command, command == "CHATHISTORY" ? "INVALID_TARGET" : "INVALID_PARAMS", error.Message, subject);
                break;
            case ErrorCode.NoSuchMessage when command == "CHATHISTORY":
                SendFail(command, "MESSAGE_ERROR", error.Message, subject);
                break;
            case ErrorCode.NoSuchRoom or ErrorCode.BadName when target is not null && IrcNames.RoomOf(target) is not null:
                SendNumeric(IrcNumerics.NoSuchChannel, subject, error.Message);
                break;
            case ErrorCode.NoSuchUser or ErrorCode.BadName:
                SendNumeric(IrcNumerics.NoSuchNick, subject, error.Message);
                break;
            case ErrorCode.NotInRoom:
                SendNumeric(IrcNumerics.NotOnChannel, subject, error.Message);
                break;
            case ErrorCode.Muted:
                SendNumeric(IrcNumerics.CannotSendToChan, subject, error.Message);
                break;
            case ErrorCode.Banned:
                SendNumeric(IrcNumerics.BannedFromChan, subject, error.Message);
                break;
            case ErrorCode.TooManyRooms:
                SendNumeric(IrcNumerics.TooManyChannels, subject, error.Message);
                break;
            case ErrorCode.Forbidden when target is not null && IrcNames.RoomOf(target) is not null:
                SendNumeric(IrcNumerics.ChanOPrivsNeeded, subject, error.Message);
                break;
            case ErrorCode.Forbidden:
                SendNumeric(IrcNumerics.NoPrivileges, error.Message);
                break;
            case ErrorCode.RateLimited:
                RefuseAsFlood(command, error);
                break;
            default:
                SendFail(command, error.Code.ToWire().ToUpperInvariant(), error.Message, target is null ? [] : [target]);
                break;
        }
    }

    /// <summary>
    /// A refusal of a command about a user in a channel (KICK, INVITE, MODE +o/+b): the numeric names the user when the
    /// error is about them (401; 441 when the asker may act in the room but the user is not in it; 443 when an invitee
    /// is in it already), else the channel.
    /// </summary>
    private void ReportError(string command, string channel, string nick, HubError error)
    {
        var room = IrcNames.RoomOf(channel);
        var actorIn = room is not null && _session is { } session
            && (session.User.IsAdmin || session.User.Rooms.Contains(RoomNamePolicy.Fold(room)));
        switch (error.Code)
        {
            case ErrorCode.NotInRoom when actorIn:
                Log.CommandRefused(_logger, Who, command, error.Code.ToWire(), LogText.Of(error.Message));
                SendNumeric(IrcNumerics.UserNotInChannel, nick, channel, error.Message);
                break;
            case ErrorCode.BadRequest when command == "INVITE" && RoomNamePolicy.IsValid(room, out _):
                Log.CommandRefused(_logger, Who, command, error.Code.ToWire(), LogText.Of(error.Message));
                SendNumeric(IrcNumerics.UserOnChannel, nick, channel, error.Message);
                break;
            case ErrorCode.NoSuchUser or ErrorCode.BadName:
                ReportError(command, nick, error);
                break;
            default:
                ReportError(command, channel, error);
                break;
        }
    }

    /// <summary>A refusal for going too fast: said once as FAIL RATE_LIMITED; too many within the window close the connection.</summary>
    private void RefuseAsFlood(string command, HubError error)
    {
        SendFail(command, "RATE_LIMITED", error.Message);
        if (_hub.Flood.TryRecordRefusal(this) || Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        var limits = _hub.Flood.Limits;
        Log.Flooding(_logger, Who, limits.RefusalsBeforeDisconnect, limits.RefusalWindow.TotalSeconds);
        SendError($"Closing link: flooding (more than {limits.RefusalsBeforeDisconnect} lines refused within {limits.RefusalWindow.TotalSeconds:0.#} s)");
        CloseWith(LeaveReason.Flooding);
    }

    private void DropAsSlowConsumer()
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        Log.SlowConsumer(_logger, Who);
        if (_session is { } session)
        {
            _hub.Disconnect(session, LeaveReason.SlowConsumer);
        }

        Close(flush: false);
    }
}
