namespace Piazza.Tui;

/// <summary>What a line typed by the user asks for.</summary>
internal abstract record ChatCommand
{
    public const string HelpText =
        "Commands: /join ROOM, /leave [ROOM], /rooms, /topic TEXT, /msg USER TEXT, /who, /upload PATH, /download ID [DEST], /cancel, "
        + "/password OLD NEW, /help, /quit. "
        + "Start a message with // to send a leading slash.";

    /// <summary>The answer to /who as one line, sorted so it reads the same as the user list.</summary>
    public static string FormatUsers(IEnumerable<string> users)
    {
        var sorted = users.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return $"users ({sorted.Count}): {string.Join(", ", sorted)}";
    }

    /// <summary>One room of the /rooms listing: <c>dev · 3 present · joined · topic: …</c>.</summary>
    public static string FormatRoom(Piazza.Protocol.RoomInfo room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var joined = room.Joined == true ? " · joined" : "";
        var topic = string.IsNullOrEmpty(room.Topic) ? "" : $" · topic: {room.Topic}";
        return $"  {room.Room} · {room.Members ?? 0} present{joined}{topic}";
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
            "/ROOMS" or "/LIST" => new Rooms(),
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
            _ => new Unknown(parts[0]),
        };
    }

    /// <summary>A path typed with quotes around it (to keep spaces visible) means the same without them.</summary>
    private static string Unquote(string path)
        => path.Length >= 2 && (path[0] == '"' || path[0] == '\'') && path[^1] == path[0] ? path[1..^1] : path;

    public sealed record None : ChatCommand;

    public sealed record Send(string Text) : ChatCommand;

    public sealed record Who : ChatCommand;

    public sealed record Help : ChatCommand;

    public sealed record Quit : ChatCommand;

    public sealed record Rooms : ChatCommand;

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
