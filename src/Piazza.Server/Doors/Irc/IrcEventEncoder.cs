using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Encodes hub events as IRC lines once for every IRC connection (<see cref="IrcWireLines"/>: each line with the
/// capability that shows it). Events that differ per recipient (welcome, a room's state, invitations, history answers,
/// read markers) are written by <see cref="IrcConnection"/> itself and encode to nothing here.
/// <paramref name="downloadBase"/> is the HTTP door's address (<c>http://host:port</c>) for file links; null when it is off.
/// </summary>
public sealed partial class IrcEventEncoder(string serverName, Func<string?> downloadBase) : IEventEncoder
{
    /// <summary>The longest line body (RFC 1459: 512 bytes with its CR LF).</summary>
    public const int MaxLineBytes = IrcMessage.MaxBodyBytes;

    public string ServerName { get; } = serverName;

    public int Slot => EventEncoderSlots.Irc;

    public byte[] Encode(ChatEvent chatEvent) => chatEvent switch
    {
        MessageEvent m => EncodeMessage(m),
        JoinedEvent j => EncodeJoined(j.Room, j.User, j.Guest, j.Away, j.Timestamp).ToArray(),
        LeftEvent l => EncodeLeft(l),
        PresenceEvent p => EncodePresence(p),
        TopicEvent { Locked: { } locked } t => EncodeTopicLock(t, locked),
        TopicEvent t => new IrcWireLines.Builder().Add(Stamped(t.Timestamp).Command(IrcNames.Source(t.By), "TOPIC").Param(IrcNames.Channel(t.Room)).Trailing(t.Topic ?? "")).ToArray(),
        AwayEvent a => EncodeAway(a),
        ShutdownEvent s => new IrcLine().Command(null, "ERROR").Trailing(s.Message).ToBytesWithHeader(),
        SessionRevokedEvent r => new IrcLine().Command(null, "ERROR").Trailing(r.Message).ToBytesWithHeader(),
        DeletedEvent d => EncodeDeleted(d),
        Core.Editing.EditedEvent e => EncodeEdited(e),
        ReactionEvent r => EncodeReaction(r),
        TypingEvent t => EncodeTyping(t),
        Core.Pins.PinEvent p => EncodePin(p),
        ModerationEvent m => EncodeModeration(m),
        Core.Rooms.RoomSetEvent r => EncodeRoomSet(r),
        Core.Retention.RetentionEvent r => EncodeRetention(r),
        _ => [],
    };

    /// <summary>A message as one PRIVMSG per line of its text (each cut to fit 512 bytes); a file adds its download link.</summary>
    private byte[] EncodeMessage(MessageEvent message)
    {
        var lines = new IrcWireLines.Builder();
        var texts = MessageLines(message, out var source, out var target);

        // Several lines go as one draft/multiline batch to clients that have it (AddMultiline), as lines to the others;
        // only the first line carries the msgid (draft/multiline's fallback rule: one id is one message).
        var multiline = texts.Count > 1 ? IrcCap.Multiline : IrcCap.None;
        for (var i = 0; i < texts.Count; i++)
        {
            var text = i == 0 ? IrcFormatting.ToIrc(texts[i]) : texts[i];
            lines.Add(MessageTags(message, withId: i == 0).Command(source, "PRIVMSG").Param(target).Trailing(text), excludes: multiline, flags: IrcLineFlags.Echo);
        }

        if (multiline != IrcCap.None)
        {
            AddMultiline(lines, message);
        }

        return lines.ToArray();
    }

    /// <summary>The texts of a message's PRIVMSG lines: its text, then a file's name, size and link.</summary>
    public List<string> MessageLines(MessageEvent message, out string source, out string target)
    {
        ArgumentNullException.ThrowIfNull(message);
        source = IrcNames.Source(message.From);
        target = IrcNames.Target(message);
        return IrcTextLines.Split(MessageText(message), TextBudget(source, target));
    }

    /// <summary>The bytes a PRIVMSG's text may fill, less 8: room for a CTCP ACTION's wrapping (/me).</summary>
    private static int TextBudget(string source, string target) => MaxLineBytes - 2 - 8 - IrcLine.Utf8Length($":{source} PRIVMSG {target} :");

    /// <summary>A message's text as IRC shows it: its text, then a file's name, size and link.</summary>
    private string MessageText(MessageEvent message)
    {
        var text = message.DeletedBy is not null ? "[deleted]" : message.Text;
        if (message.File is { } file)
        {
            var link = downloadBase() is { } origin ? $" {origin}/api/files/{file.Id}" : "";
            text = (text.Length > 0 ? text + "\n" : "") + $"[file] {file.Name} ({file.Size} bytes){link}";
        }

        return text;
    }

    /// <summary>The tags every message line carries: its time, id, sender's account and the message it replies to.</summary>
    public static IrcLine MessageTags(MessageEvent message, bool withId = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = new IrcLine().Tag("time", WireTimestamp.Format(message.Timestamp));
        if (withId)
        {
            line.Tag("msgid", message.Id);
        }

        if (!message.Guest)
        {
            line.Tag("account", message.From);
        }

        if (message.Reply is { } reply)
        {
            line.Tag("+draft/reply", reply.MessageId);
        }

        return line;
    }

    private static IrcWireLines.Builder EncodeJoined(string room, string user, bool guest, string? away, DateTimeOffset at, IrcWireLines.Builder? lines = null)
    {
        lines ??= new IrcWireLines.Builder();
        var source = IrcNames.Source(user);
        var channel = IrcNames.Channel(room);

        // The joining connection has its JOIN from the room's state; its other connections have theirs the same way.
        lines.Add(Stamped(at).Command(source, "JOIN").Param(channel).Param(guest ? "*" : user).Trailing(user), IrcCap.ExtendedJoin, flags: IrcLineFlags.NotToSelf);
        lines.Add(Stamped(at).Command(source, "JOIN").Param(channel), excludes: IrcCap.ExtendedJoin, flags: IrcLineFlags.NotToSelf);
        if (away is not null)
        {
            lines.Add(Stamped(at).Command(source, "AWAY").Trailing(away), IrcCap.AwayNotify, flags: IrcLineFlags.NotToSelf);
        }

        return lines;
    }

    private static byte[] EncodeLeft(LeftEvent left)
    {
        var lines = new IrcWireLines.Builder();
        AddBanMode(lines, left);
        AddDeparture(lines, left.Room, left.User, left.Reason, left.Message, left.By, left.Timestamp);
        return lines.ToArray();
    }

    /// <summary>A departure: KICK when a moderator removed the user, else PART with why (IRC's QUIT is per server, not per room).</summary>
    private static void AddDeparture(IrcWireLines.Builder lines, string room, string user, LeaveReason reason, string? message, string? by, DateTimeOffset at)
    {
        var channel = IrcNames.Channel(room);
        if (reason is LeaveReason.Kicked or LeaveReason.Banned)
        {
            var text = message ?? (reason == LeaveReason.Banned ? "banned" : "kicked");
            lines.Add(Stamped(at).Command(IrcNames.Source(by ?? ServerNick), "KICK").Param(channel).Param(user).Trailing(text));
            return;
        }

        var why = reason switch
        {
            LeaveReason.Left => message ?? "",
            LeaveReason.Quit => message is null ? "Quit" : "Quit: " + message,
            _ => message is null ? reason.ToWire() : $"{reason.ToWire()}: {message}",
        };
        lines.Add(Stamped(at).Command(IrcNames.Source(user), "PART").Param(channel).Trailing(why));
    }

    private static byte[] EncodePresence(PresenceEvent presence)
    {
        var lines = new IrcWireLines.Builder();
        foreach (var entry in presence.Joined)
        {
            EncodeJoined(presence.Room, entry.User, entry.Guest, entry.Away, presence.Timestamp, lines);
        }

        foreach (var departure in presence.Left)
        {
            AddDeparture(lines, presence.Room, departure.User, departure.Reason, departure.Message, null, presence.Timestamp);
        }

        return lines.ToArray();
    }

    private static byte[] EncodeAway(AwayEvent away)
    {
        var line = Stamped(away.Timestamp).Command(IrcNames.Source(away.User), "AWAY");
        if (away.Text is not null)
        {
            line.Trailing(away.Text);
        }

        return new IrcWireLines.Builder().Add(line, IrcCap.AwayNotify, flags: IrcLineFlags.NotToSelf).ToArray();
    }

    /// <summary>The nick moderation by the server itself (the operator console, a server-wide action) is shown as.</summary>
    public const string ServerNick = ChatHub.ServerName;

    public static IrcLine Stamped(DateTimeOffset at) => new IrcLine().Tag("time", WireTimestamp.Format(at));
}

/// <summary>Shortcuts for lines that every connection sees alike.</summary>
public static class IrcLineExtensions
{
    /// <summary>The line as an encoding of one line with no capability conditions.</summary>
    public static byte[] ToBytesWithHeader(this IrcLine line) => new IrcWireLines.Builder().Add(line).ToArray();
}
