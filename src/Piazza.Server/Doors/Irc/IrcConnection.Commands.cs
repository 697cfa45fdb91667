using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Command dispatch. Registration commands work at any time; every other command needs a session and is looked up in
/// one table, which each part of the door fills in its own file (<c>Add…Commands</c>).
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>A command of a registered connection; runs on the read loop, in the order lines arrive.</summary>
    private delegate ValueTask IrcCommand(IrcConnection connection, ChatSession session, IrcMessage message);

    private static readonly Dictionary<string, IrcCommand> SessionCommands = BuildCommands();

    private static Dictionary<string, IrcCommand> BuildCommands()
    {
        var table = new Dictionary<string, IrcCommand>(StringComparer.Ordinal)
        {
            ["JOIN"] = static (c, s, m) => c.JoinAsync(s, m),
            ["PART"] = static (c, s, m) => c.PartAsync(s, m),
            ["PRIVMSG"] = static (c, s, m) => c.MessageAsync(s, m, notice: false),
            ["NOTICE"] = static (c, s, m) => c.MessageAsync(s, m, notice: true),
            ["TOPIC"] = static (c, s, m) => c.TopicAsync(s, m),
        };
        AddQueryCommands(table);
        AddModerationCommands(table);
        AddHistoryCommands(table);
        AddMessageCommands(table);
        return table;
    }

    /// <summary>WHO, WHOIS, WHOWAS, LIST, AWAY, MOTD, LUSERS, VERSION, TIME, INFO and the like (IrcConnection.Queries.cs).</summary>
    static partial void AddQueryCommands(Dictionary<string, IrcCommand> table);

    /// <summary>KICK, INVITE, MODE, OPER (IrcConnection.Moderation.cs).</summary>
    static partial void AddModerationCommands(Dictionary<string, IrcCommand> table);

    /// <summary>CHATHISTORY, MARKREAD (IrcConnection.History.cs).</summary>
    static partial void AddHistoryCommands(Dictionary<string, IrcCommand> table);

    /// <summary>TAGMSG (reactions, typing), REDACT, client BATCH for draft/multiline (IrcConnection.Messages.cs).</summary>
    static partial void AddMessageCommands(Dictionary<string, IrcCommand> table);

    /// <summary>Handles one message, its answer labelled when it carries a label (IrcConnection.Labels.cs); false when the client quit.</summary>
    private ValueTask<bool> HandleAsync(IrcMessage message) => HandleLabeledAsync(message);

    private async ValueTask<bool> HandleCommandAsync(IrcMessage message)
    {
        switch (message.Command)
        {
            case "CAP":
                HandleCap(message);
                await TryCompleteRegistrationAsync().ConfigureAwait(false);
                return true;
            case "AUTHENTICATE":
                await HandleAuthenticateAsync(message).ConfigureAwait(false);
                return true;
            case "PASS":
                HandlePass(message);
                return true;
            case "NICK":
                HandleNick(message);
                await TryCompleteRegistrationAsync().ConfigureAwait(false);
                return true;
            case "USER":
                HandleUser(message);
                await TryCompleteRegistrationAsync().ConfigureAwait(false);
                return true;
            case "PING":
                Send(new IrcLine().Command(_server.Name, "PONG").Param(_server.Name).Trailing(message.Param(0) ?? ""));
                return true;
            case "PONG":
                return true;
            case "QUIT":
                SendError(_session is null ? "Closing link: quit before registering" : $"Closing link: {_nick} (Quit: {message.Param(0) ?? ""})");
                return false;
        }

        if (_session is not { } session)
        {
            if (SessionCommands.ContainsKey(message.Command))
            {
                SendNumeric(IrcNumerics.NotRegistered, "You have not registered");
            }
            else
            {
                SendNumeric(IrcNumerics.UnknownCommand, message.Command, "Unknown command");
            }

            return true;
        }

        if (!SessionCommands.TryGetValue(message.Command, out var command))
        {
            SendNumeric(IrcNumerics.UnknownCommand, message.Command, "Unknown command");
            return true;
        }

        await command(this, session, message).ConfigureAwait(false);
        return true;
    }

    private async ValueTask JoinAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } channels)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "JOIN", "Not enough parameters");
            return;
        }

        if (channels == "0")
        {
            foreach (var room in session.User.Rooms.Where(r => r != ChatHub.LobbyName).ToList())
            {
                await LeaveAsync(session, IrcNames.Channel(room)).ConfigureAwait(false);
            }

            return;
        }

        foreach (var channel in channels.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (IrcNames.RoomOf(channel) is not { } room)
            {
                SendNumeric(IrcNumerics.NoSuchChannel, channel, "No such channel (channels start with #)");
                continue;
            }

            if (ChatHub.CheckScope(session, FrameTypes.Join) is { } outOfScope)
            {
                ReportError("JOIN", channel, outOfScope);
                continue;
            }

            // The room's state (JOIN, topic, names) reaches this connection as an event once it is in.
            var joined = await _hub.JoinAsync(session, room, createPrivate: false, CancellationToken.None).ConfigureAwait(false);
            if (!joined.Succeeded)
            {
                ReportError("JOIN", channel, joined.Error!);
            }
        }
    }

    private async ValueTask PartAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } channels)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "PART", "Not enough parameters");
            return;
        }

        foreach (var channel in channels.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            await LeaveAsync(session, channel).ConfigureAwait(false);
        }
    }

    private async ValueTask LeaveAsync(ChatSession session, string channel)
    {
        if (IrcNames.RoomOf(channel) is not { } room)
        {
            SendNumeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }

        // The PART comes back as the room's departure event, to this and every other connection of the account.
        // Piazza keeps no part message, so a PART's reason is not shown to anyone.
        var left = await _hub.LeaveAsync(session, room).ConfigureAwait(false);
        if (!left.Succeeded)
        {
            ReportError("PART", channel, left.Error!);
        }
    }

    /// <summary>PRIVMSG and NOTICE: to a channel, a nick (a private conversation) or a group's id. NOTICE is never answered with an error.</summary>
    private async ValueTask MessageAsync(ChatSession session, IrcMessage message, bool notice)
    {
        var command = notice ? "NOTICE" : "PRIVMSG";
        if (message.Param(0) is not { Length: > 0 } target)
        {
            if (!notice)
            {
                SendNumeric(IrcNumerics.NoRecipient, $"No recipient given ({command})");
            }

            return;
        }

        if (message.Param(1) is not { Length: > 0 } text)
        {
            if (!notice)
            {
                SendNumeric(IrcNumerics.NoTextToSend, "No text to send");
            }

            return;
        }

        if (IrcFormatting.IsCtcpRequest(text, out var verb))
        {
            if (!notice)
            {
                SendFail(command, "UNSUPPORTED_CTCP", $"CTCP {verb} is not relayed: Piazza clients do not answer it", target);
            }

            return;
        }

        if (target.StartsWith('@') && !IrcNames.IsGroup(target))
        {
            target = target[1..]; // STATUSMSG (@#room) is sent to the whole room: Piazza has no ops-only messages
        }

        var accepted = await SendTextAsync(session, target, IrcFormatting.FromIrc(text), message.Tag("+draft/reply")).ConfigureAwait(false);
        if (!accepted.Succeeded)
        {
            if (!notice)
            {
                ReportError(command, target, accepted.Error!);
            }

            return;
        }

        _ = AcknowledgeAsync(command, target, accepted.Value!.Completion, notice);
    }

    /// <summary>The one send path of the door (PRIVMSG, NOTICE, multiline batches): a room, a group or a nick.</summary>
    private Task<HubResult<PendingSend>> SendTextAsync(ChatSession session, string target, string text, string? replyTo)
    {
        if (IrcNames.RoomOf(target) is { } room)
        {
            return replyTo is null
                ? _hub.SendAsync(session, room, null, text, null)
                : _hub.SendReplyAsync(session, room, null, null, text, null, null, replyTo);
        }

        if (IrcNames.IsGroup(target))
        {
            var members = target[1..].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(name => !string.Equals(name, _nick, StringComparison.OrdinalIgnoreCase)).ToList();
            return replyTo is null
                ? _hub.SendToGroupAsync(session, members, text, null, null)
                : _hub.SendReplyAsync(session, null, null, members, text, null, null, replyTo);
        }

        return replyTo is null
            ? _hub.SendAsync(session, null, target, text, null)
            : _hub.SendReplyAsync(session, null, target, null, text, null, null, replyTo);
    }

    /// <summary>A send that fails once queued (the store stopped) is still said; a delivered one shows by its echo.</summary>
    private async Task AcknowledgeAsync(string command, string target, Task<HubResult<SendOutcome>> completion, bool notice)
    {
        var outcome = await completion.ConfigureAwait(false);
        if (!outcome.Succeeded && !notice)
        {
            ReportError(command, target, outcome.Error!);
        }
    }

    private async ValueTask TopicAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } channel)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "TOPIC", "Not enough parameters");
            return;
        }

        var room = IrcNames.RoomOf(channel);
        if (message.Param(1) is { } topic)
        {
            var set = await _hub.SetTopicAsync(session, room ?? channel, topic).ConfigureAwait(false);
            if (!set.Succeeded)
            {
                ReportError("TOPIC", channel, set.Error!);
            }

            return;
        }

        var info = await _hub.RoomInfoAsync(session, room ?? channel).ConfigureAwait(false);
        if (!info.Succeeded)
        {
            ReportError("TOPIC", channel, info.Error!);
        }
        else if (info.Value!.Topic is { Length: > 0 } current)
        {
            SendNumeric(IrcNumerics.Topic, channel, current);
        }
        else
        {
            SendNumeric(IrcNumerics.NoTopic, channel, "No topic is set");
        }
    }
}
