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
internal abstract partial record ChatCommand
{
    /// <summary>What /help shows everyone (from <see cref="CommandCatalog"/>).</summary>
    public static string HelpText => CommandCatalog.HelpText;

    /// <summary>Shown by /help to admins and to a room's owner and moderators.</summary>
    public static string ModerationHelpText => CommandCatalog.ModerationHelpText;

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
        var typed = parts[0];
        var rest = parts.Length > 1 ? parts[1].Trim() : "";
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (CommandCatalog.Find(typed[1..]) is not { } known)
        {
            return new Unknown(typed);
        }

        var usage = new Usage(known.Syntax);
        return known.Name switch
        {
            "quit" => new Quit(),
            "who" => new Who(),
            "help" when words.Length == 0 => new Help(null),
            "help" when words.Length == 1 => new Help(words[0].TrimStart('/')),
            "rooms" when words.Length == 0 => new Rooms(More: false),
            "rooms" when words.Length == 1 && words[0].Equals("more", StringComparison.OrdinalIgnoreCase) => new Rooms(More: true),
            "join" when rest.Length > 0 => RoomNamed(rest, room => new Join(room)),
            "create" when words is [var named, "--private"] => RoomNamed(named, room => new CreatePrivate(room)),
            "invite" when words.Length == 1 => UserNamed(words[0].TrimStart('@'), user => new Invite(user, Withdraw: false)),
            "uninvite" when words.Length == 1 => UserNamed(words[0].TrimStart('@'), user => new Invite(user, Withdraw: true)),
            "private" when words is ["on" or "off"] => new MakePrivate(words[0] == "on"),
            "leave" when rest.Length == 0 => new Leave(null),
            "leave" when rest.StartsWith('@') => UserNamed(rest[1..], user => new ClosePrivate(user)),
            "leave" => RoomNamed(rest, room => new Leave(room)),
            "away" => new Away(rest.Length == 0 ? null : rest),
            "back" => new Away(null),
            "search" when rest.Length > 0 => new Search(rest),
            "tokens" or "token" or "sessions" or "logout-others" => TokenCommand.Parse(known.Name, words, usage),
            "topic" when rest.Length == 0 => new ShowTopic(),
            "topic" when rest is "-clear" or "-delete" => new Topic(""),
            "topic" => new Topic(rest),
            "msg" when rest.Length > 0 => Message(rest),
            "upload" when rest.Length > 0 => new Upload(Unquote(rest)),
            "download" when rest.Split(' ', 2) is [var id, .. var dest] && id.Length > 0
                => new Download(id, dest.Length == 0 || dest[0].Trim().Length == 0 ? null : Unquote(dest[0].Trim())),
            "cancel" => new Cancel(),
            "password" when words.Length == 2 => new Password(words[0], words[1]),
            "kick" => Moderation(ModerationAction.Kick, rest, serverWide: false, takesDuration: false, takesReason: true, usage),
            "gkick" => Moderation(ModerationAction.Kick, rest, serverWide: true, takesDuration: false, takesReason: true, usage),
            "ban" => Moderation(ModerationAction.Ban, rest, serverWide: false, takesDuration: true, takesReason: true, usage),
            "gban" => Moderation(ModerationAction.Ban, rest, serverWide: true, takesDuration: true, takesReason: true, usage),
            "unban" => Moderation(ModerationAction.Unban, rest, serverWide: false, takesDuration: false, takesReason: false, usage),
            "gunban" => Moderation(ModerationAction.Unban, rest, serverWide: true, takesDuration: false, takesReason: false, usage),
            "mute" => Moderation(ModerationAction.Mute, rest, serverWide: false, takesDuration: true, takesReason: true, usage),
            "unmute" => Moderation(ModerationAction.Unmute, rest, serverWide: false, takesDuration: false, takesReason: false, usage),
            "op" => Moderation(ModerationAction.Op, rest, serverWide: false, takesDuration: false, takesReason: false, usage),
            "deop" => Moderation(ModerationAction.Deop, rest, serverWide: false, takesDuration: false, takesReason: false, usage),
            "lock" when words.Length == 0 => new Lock(true),
            "unlock" when words.Length == 0 => new Lock(false),
            "edit" => ParseEdit(rest, usage),
            "reply" => Reply.Parse(rest, usage),
            "react" or "unreact" => Reaction(words, on: known.Name == "react", usage),
            "pins" when words.Length == 0 => new PinsCommand(),
            "pin" or "unpin" when words.Length == 1 => PinCommand.Of(words[0], pin: known.Name == "pin"),
            "delete" when words.Length == 0 => new Delete(null),
            "delete" when words.Length == 1 => UserNamed(words[0].TrimStart('@'), user => new Delete(user)),
            _ => usage,
        };
    }

    /// <summary><c>/msg USER TEXT</c>, <c>/msg #ROOM TEXT</c>, or <c>/msg USER</c> (show that conversation).</summary>
    private static ChatCommand Message(string rest)
    {
        var (target, message) = rest.Split(' ', 2) is [var first, var second] ? (first, second.Trim()) : (rest, "");
        if (target.StartsWith('#'))
        {
            return message.Length == 0 ? new Usage(CommandCatalog.Syntax("msg")) : RoomNamed(target, room => new SendTo(room, message));
        }

        if (target.Contains(','))
        {
            return GroupNamed(target.TrimStart('@'), users => new MsgGroup(users, message));
        }

        return UserNamed(target.TrimStart('@'), user => message.Length == 0 ? new Open(user) : new Msg(user, message));
    }

    /// <summary><c>/msg bob,carol TEXT</c>: the group of the typed names (2 to 9 others; the server says why another list is refused).</summary>
    private static ChatCommand GroupNamed(string typed, Func<IReadOnlyList<string>, ChatCommand> command)
    {
        var users = typed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var user in users)
        {
            if (!Piazza.Protocol.NameSyntax.CheckUserName(user, out var problem))
            {
                return new Refused($"'{user}' is not a user name: {problem}");
            }
        }

        return users.Length < 2 ? new Refused("a group needs at least two names: /msg bob,carol TEXT") : command(users);
    }

    /// <summary>The command for a typed room name (a leading '#' as in IRC is dropped), or which rule the name breaks.</summary>
    private static ChatCommand RoomNamed(string typed, Func<string, ChatCommand> command)
    {
        var room = typed.StartsWith('#') ? typed[1..] : typed;
        return Piazza.Protocol.NameSyntax.CheckRoomName(room, out var problem)
            ? command(room)
            : new Refused($"'{typed}' is not a room name: {problem}");
    }

    /// <summary>The command for a typed user name, or which rule the name breaks.</summary>
    private static ChatCommand UserNamed(string user, Func<string, ChatCommand> command)
        => Piazza.Protocol.NameSyntax.CheckUserName(user, out var problem)
            ? command(user)
            : new Refused($"'{user}' is not a user name: {problem}");

    /// <summary>A path typed with quotes around it (to keep spaces visible) means the same without them.</summary>
    private static string Unquote(string path)
        => path.Length >= 2 && (path[0] == '"' || path[0] == '\'') && path[^1] == path[0] ? path[1..^1] : path;
    /// <summary><c>USER [DURATION] [REASON]</c> for a moderation command.</summary>
    private static ChatCommand Moderation(ModerationAction action, string rest, bool serverWide, bool takesDuration, bool takesReason, Usage usage)
    {
        var parts = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return usage;
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
            return usage;
        }

        var moderate = new Moderate(action, parts[0].TrimStart('@'), serverWide, duration, remainder.Length == 0 ? null : remainder);
        return moderate.TargetIsAddress ? moderate : UserNamed(moderate.Target, _ => moderate);
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

    /// <summary>The command list, or (<paramref name="Command"/>) one command explained.</summary>
    public sealed record Help(string? Command) : ChatCommand;

    public sealed record Quit : ChatCommand;

    /// <summary>The first page of the room list, or (<paramref name="More"/>) the page after the last one shown.</summary>
    public sealed record Rooms(bool More) : ChatCommand;

    public sealed record Join(string Room) : ChatCommand;

    /// <summary>Create a private room (or join it when it exists).</summary>
    public sealed record CreatePrivate(string Room) : ChatCommand;

    /// <summary>Invite <paramref name="User"/> to the current room, or (<paramref name="Withdraw"/>) withdraw the invitation.</summary>
    public sealed record Invite(string User, bool Withdraw) : ChatCommand;

    /// <summary>Make the current room private (true) or public.</summary>
    public sealed record MakePrivate(bool Private) : ChatCommand;

    /// <summary>Leave a room; null means the current conversation.</summary>
    public sealed record Leave(string? Room) : ChatCommand;

    /// <summary>Set the current room's topic; empty clears it.</summary>
    public sealed record Topic(string Text) : ChatCommand;

    /// <summary><c>/away TEXT</c>: set our away status on all our devices; <c>/away</c> alone or <c>/back</c> (null): clear it.</summary>
    public sealed record Away(string? Text) : ChatCommand;

    /// <summary><c>/search TEXT</c>: full-text search (docs/protocol.md, "Search").</summary>
    public sealed record Search(string Query) : ChatCommand;

    /// <summary><c>/topic</c> alone: show the current room's topic.</summary>
    public sealed record ShowTopic : ChatCommand;

    /// <summary>A private message, which also opens the conversation.</summary>
    public sealed record Msg(string User, string Text) : ChatCommand;

    /// <summary><c>/msg bob,carol TEXT</c>: a message to the group conversation of us and <see cref="Users"/>; without text, open it.</summary>
    public sealed record MsgGroup(IReadOnlyList<string> Users, string Text) : ChatCommand;

    /// <summary><c>/msg #ROOM TEXT</c>: a message to a room other than the one shown.</summary>
    public sealed record SendTo(string Room, string Text) : ChatCommand;

    /// <summary><c>/leave @USER</c>: close the private conversation with a user.</summary>
    public sealed record ClosePrivate(string User) : ChatCommand;

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

    /// <summary>A known command whose argument breaks a rule; <see cref="Reason"/> says which.</summary>
    public sealed record Refused(string Reason) : ChatCommand;

    /// <summary>A command name that is not in <see cref="CommandCatalog"/>; <see cref="Suggestion"/> is the likely one meant.</summary>
    public sealed record Unknown(string Name) : ChatCommand
    {
        public CommandInfo? Suggestion => CommandCatalog.Suggest(Name);
    }
}
