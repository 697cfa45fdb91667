using System.Net;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>A moderation request a command makes (docs/protocol.md, Moderation).</summary>
internal enum ModerationAction
{
    Kick,
    Ban,
    Unban,
    Mute,
    Unmute,
    Op,
    Deop,
}

/// <summary>What a line typed by the user asks for: the one parser of the window and <c>--plain</c>.</summary>
internal abstract record ChatCommand
{
    public const string HelpText =
        "Commands: /join ROOM, /leave [ROOM], /rooms [more], /topic TEXT, /msg USER TEXT, /who, /upload PATH, /download ID [DEST], /cancel, "
        + "/password OLD NEW, /help, /quit. "
        + "Start a message with // to send a leading slash.";

    /// <summary>Shown by /help to admins and to a room's owner and moderators.</summary>
    public const string ModerationHelpText =
        "Moderation: /kick USER [REASON], /ban USER [DURATION] [REASON], /unban USER, /mute USER [DURATION] [REASON], /unmute USER, "
        + "/op USER, /deop USER, /lock, /unlock (the topic), /delete [USER] (the latest message; yours without USER). "
        + "Admins: /gkick USER [REASON], /gban USER|ADDRESS [DURATION] [REASON], /gunban USER|ADDRESS. DURATION: 30s, 10m, 2h, 7d.";

    /// <summary>The answer to /who as one line, sorted so it reads the same as the user list.</summary>
    public static string FormatUsers(IEnumerable<string> users)
    {
        var sorted = users.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return $"users ({sorted.Count}): {string.Join(", ", sorted)}";
    }

    /// <summary>One room of the /rooms listing: <c>dev · 3 present · joined · topic: …</c>.</summary>
    public static string FormatRoom(RoomSummary room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var joined = room.Joined ? " · joined" : "";
        var topic = string.IsNullOrEmpty(room.Topic) ? "" : $" · topic: {room.Topic}";
        return $"  {room.Name} · {room.Members} present{joined}{topic}";
    }

    /// <summary>Parses one input line. Blank input is <see cref="None"/>; <c>//x</c> sends <c>/x</c>.</summary>
    public static ChatCommand Parse(string? input)
    {
        var text = input?.TrimEnd('\r', '\n') ?? "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return new None();
        }

        if (!text.StartsWith('/'))
        {
            return new Send(text);
        }

        if (text.StartsWith("//", StringComparison.Ordinal))
        {
            return new Send(text[1..]);
        }

        var parts = text.Split(' ', 2);
        var name = parts[0].ToUpperInvariant();
        var rest = parts.Length > 1 ? parts[1].Trim() : "";
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return name switch
        {
            "/QUIT" or "/EXIT" => new Quit(),
            "/WHO" or "/USERS" => new Who(),
            "/HELP" or "/?" => new Help(),
            "/ROOMS" or "/LIST" when words.Length == 0 => new Rooms(More: false),
            "/ROOMS" or "/LIST" when words.Length == 1 && words[0].Equals("more", StringComparison.OrdinalIgnoreCase) => new Rooms(More: true),
            "/ROOMS" or "/LIST" => new Usage("/rooms [more]"),
            "/JOIN" when words.Length == 1 => new Join(words[0].TrimStart('#')),
            "/JOIN" => new Usage("/join ROOM"),
            "/LEAVE" or "/PART" when words.Length <= 1 => new Leave(words.Length == 0 ? null : words[0].TrimStart('#')),
            "/LEAVE" or "/PART" => new Usage("/leave [ROOM]"),
            "/TOPIC" => new Topic(rest),
            "/MSG" or "/QUERY" when words.Length >= 1 && rest.Split(' ', 2) is [var user, var message] && message.Trim().Length > 0
                => new Msg(user.TrimStart('@'), message.Trim()),
            "/MSG" or "/QUERY" when words.Length == 1 => new Open(words[0].TrimStart('@')),
            "/MSG" or "/QUERY" => new Usage("/msg USER TEXT"),
            "/UPLOAD" when rest.Length > 0 => new Upload(Unquote(rest)),
            "/UPLOAD" => new Usage("/upload PATH"),
            "/DOWNLOAD" when rest.Split(' ', 2) is [var id, .. var dest] && id.Length > 0
                => new Download(id, dest.Length == 0 || dest[0].Trim().Length == 0 ? null : Unquote(dest[0].Trim())),
            "/DOWNLOAD" => new Usage("/download ID [DEST]"),
            "/CANCEL" => new Cancel(),
            "/PASSWORD" when words.Length == 2 => new Password(words[0], words[1]),
            "/PASSWORD" => new Usage("/password OLD NEW"),
            "/KICK" => Moderation(ModerationAction.Kick, rest, serverWide: false, takesDuration: false, takesReason: true, "/kick USER [REASON]"),
            "/GKICK" => Moderation(ModerationAction.Kick, rest, serverWide: true, takesDuration: false, takesReason: true, "/gkick USER [REASON]"),
            "/BAN" => Moderation(ModerationAction.Ban, rest, serverWide: false, takesDuration: true, takesReason: true, "/ban USER [DURATION] [REASON]"),
            "/GBAN" => Moderation(ModerationAction.Ban, rest, serverWide: true, takesDuration: true, takesReason: true, "/gban USER|ADDRESS [DURATION] [REASON]"),
            "/UNBAN" => Moderation(ModerationAction.Unban, rest, serverWide: false, takesDuration: false, takesReason: false, "/unban USER"),
            "/GUNBAN" => Moderation(ModerationAction.Unban, rest, serverWide: true, takesDuration: false, takesReason: false, "/gunban USER|ADDRESS"),
            "/MUTE" => Moderation(ModerationAction.Mute, rest, serverWide: false, takesDuration: true, takesReason: true, "/mute USER [DURATION] [REASON]"),
            "/UNMUTE" => Moderation(ModerationAction.Unmute, rest, serverWide: false, takesDuration: false, takesReason: false, "/unmute USER"),
            "/OP" => Moderation(ModerationAction.Op, rest, serverWide: false, takesDuration: false, takesReason: false, "/op USER"),
            "/DEOP" => Moderation(ModerationAction.Deop, rest, serverWide: false, takesDuration: false, takesReason: false, "/deop USER"),
            "/LOCK" when words.Length == 0 => new Lock(true),
            "/UNLOCK" when words.Length == 0 => new Lock(false),
            "/LOCK" or "/UNLOCK" => new Usage(name.ToLowerInvariant()),
            "/DELETE" or "/DEL" when words.Length <= 1 => new Delete(words.Length == 0 ? null : words[0].TrimStart('@')),
            "/DELETE" or "/DEL" => new Usage("/delete [USER]"),
            _ => new Unknown(parts[0]),
        };
    }

    /// <summary>A path typed with quotes around it (to keep spaces visible) means the same without them.</summary>
    private static string Unquote(string path)
        => path.Length >= 2 && (path[0] == '"' || path[0] == '\'') && path[^1] == path[0] ? path[1..^1] : path;
    /// <summary><c>USER [DURATION] [REASON]</c> for a moderation command.</summary>
    private static ChatCommand Moderation(ModerationAction action, string rest, bool serverWide, bool takesDuration, bool takesReason, string syntax)
    {
        var parts = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return new Usage(syntax);
        }

        var remainder = parts.Length > 1 ? parts[1] : "";
        TimeSpan? duration = null;
        if (takesDuration && remainder.Split(' ', 2, StringSplitOptions.TrimEntries) is [var first, ..] && TryParseDuration(first, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            remainder = remainder[first.Length..].Trim();
        }

        if (!takesReason && remainder.Length > 0)
        {
            return new Usage(syntax);
        }

        return new Moderate(action, parts[0].TrimStart('@'), serverWide, duration, remainder.Length == 0 ? null : remainder);
    }

    /// <summary>A duration like <c>90</c> (seconds), <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>7d</c> or <c>2w</c>, in seconds.</summary>
    public static bool TryParseDuration(string text, out double seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 0 };
        var digits = scale == 0 ? text : text[..^1];
        if (scale == 0)
        {
            scale = 1;
        }

        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        seconds = long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * (double)scale;
        return seconds > 0;
    }

    /// <summary>
    /// A moderation request in the current room, or server-wide (<paramref name="ServerWide"/>; the target may then be an
    /// IP address).
    /// </summary>
    public sealed record Moderate(ModerationAction Action, string Target, bool ServerWide, TimeSpan? Duration, string? Reason) : ChatCommand
    {
        /// <summary>A server-wide ban or unban of an IP address rather than a user.</summary>
        public bool TargetIsAddress => ServerWide && IPAddress.TryParse(Target, out _);

        /// <summary>The request's name for messages: <c>kick</c>, <c>ban</c>, …</summary>
        public string Verb => Action.ToString().ToLowerInvariant();
    }

    /// <summary>Delete the latest standing message of <paramref name="User"/> (null: one's own) in the current conversation.</summary>
    public sealed record Delete(string? User) : ChatCommand;

    /// <summary>Lock (true) or unlock the current room's topic.</summary>
    public sealed record Lock(bool Locked) : ChatCommand;

    public sealed record None : ChatCommand;

    public sealed record Send(string Text) : ChatCommand;

    public sealed record Who : ChatCommand;

    public sealed record Help : ChatCommand;

    public sealed record Quit : ChatCommand;

    /// <summary>The first page of the room list, or (<paramref name="More"/>) the page after the last one shown.</summary>
    public sealed record Rooms(bool More) : ChatCommand;

    public sealed record Join(string Room) : ChatCommand;

    /// <summary>Leave a room; null means the current conversation.</summary>
    public sealed record Leave(string? Room) : ChatCommand;

    /// <summary>Set the current room's topic; empty clears it.</summary>
    public sealed record Topic(string Text) : ChatCommand;

    /// <summary>A private message, which also opens the conversation.</summary>
    public sealed record Msg(string User, string Text) : ChatCommand;

    /// <summary><c>/msg USER</c> with no text: open (switch to) the private conversation.</summary>
    public sealed record Open(string User) : ChatCommand;

    /// <summary>Upload a file and share it in the current conversation.</summary>
    public sealed record Upload(string Path) : ChatCommand;

    /// <summary>Download a shared file; <see cref="Destination"/> is a file or folder, null for the current folder.</summary>
    public sealed record Download(string FileId, string? Destination) : ChatCommand;

    /// <summary>Cancel the running transfers.</summary>
    public sealed record Cancel : ChatCommand;

    public sealed record Password(string Current, string Next) : ChatCommand;

    /// <summary>A known command with the wrong arguments; <see cref="Syntax"/> shows the right form.</summary>
    public sealed record Usage(string Syntax) : ChatCommand;

    public sealed record Unknown(string Name) : ChatCommand;
}
