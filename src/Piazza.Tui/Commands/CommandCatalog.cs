namespace Piazza.Tui;

/// <summary>One slash command as /help shows it: its name, other names, syntax and what it does.</summary>
internal sealed record CommandInfo(string Name, string Syntax, string Summary, IReadOnlyList<string> Aliases, bool Moderation = false)
{
    /// <summary><c>/join ROOM (also /j): enter a room; a new name creates it</c>.</summary>
    public string Describe()
        => Aliases.Count == 0
            ? $"{Syntax}: {Summary}"
            : $"{Syntax} (also {string.Join(", ", Aliases.Select(a => "/" + a))}): {Summary}";
}

/// <summary>
/// Every slash command of the terminal client, the one list that parsing, usage errors, /help and the
/// "did you mean" of a mistyped command read from.
/// </summary>
internal static class CommandCatalog
{
    public static IReadOnlyList<CommandInfo> All { get; } =
    [
        new("join", "/join ROOM", "enter a room; a new name creates it", ["j"]),
        new("create", "/create ROOM --private", "create a private room: unlisted, others join it once invited (/invite); a room that exists is simply joined", []),
        new("leave", "/leave [ROOM|@USER]", "leave this room or ROOM, or close a private conversation", ["part", "close"]),
        new("rooms", "/rooms [more]", "list the server's rooms, a page at a time", ["list"]),
        new("topic", "/topic [TEXT|-clear]", "show this room's topic and how long it keeps messages, set the topic, or clear it", []),
        new("msg", "/msg USER|USER,USER…|#ROOM [TEXT]", "send a private message (to several: a group conversation; or to a room); without TEXT, show that conversation", ["query"]),
        new("reply", "/reply N TEXT", "reply to message #N of this conversation: its quote shows above your text", ["re"]),
        new("who", "/who", "list who is in this conversation", ["names", "users"]),
        new("away", "/away [TEXT]", "say why you are away (others see it by your name); /away alone or /back: you are back", []),
        new("back", "/back", "you are back: clear your away status", []),
        new("react", "/react N EMOJI", "react to message #N of this conversation with an emoji or a :shortcode: (:+1:, :tada:, :eyes:…)", []),
        new("unreact", "/unreact N EMOJI", "take back your reaction to message #N", []),
        new("search", "/search TEXT", "find messages you can read: words, \"a phrase\", depl*, -word, from:USER, in:ROOM or in:@USER", ["find"]),
        new("upload", "/upload PATH", "share a file in this conversation", []),
        new("download", "/download ID [DEST]", "save a shared file: ID is the id on its line (any unambiguous start of it); DEST a file or folder", []),
        new("cancel", "/cancel", "stop the running uploads and downloads", []),
        new("edit", "/edit N TEXT", "replace the text of your message #N here (↑ in an empty input starts with your latest)", []),
        new("password", "/password OLD NEW", "change your password (other sessions must log in again)", []),
        new("tokens", "/tokens", "list your named tokens for bots and scripts (name, scopes, created, last used, expiry)", []),
        new("token", "/token new NAME read,send,moderate [DAYS] | /token revoke NAME", "make a named token with those scopes (its secret is shown once), or revoke one", []),
        new("sessions", "/sessions", "list where your account is logged in (* this session)", []),
        new("logout-others", "/logout-others", "log out every other session of your account (other devices)", []),
        new("help", "/help [COMMAND]", "list the commands, or explain one", ["?"]),
        new("quit", "/quit", "disconnect and quit", ["exit"]),
        new("kick", "/kick USER [REASON]", "remove someone from this room", [], Moderation: true),
        new("ban", "/ban USER [DURATION] [REASON]", "ban someone from this room (DURATION: 90, 30s, 10m, 2h, 7d, 2w)", [], Moderation: true),
        new("unban", "/unban USER", "lift a ban from this room", [], Moderation: true),
        new("mute", "/mute USER [DURATION] [REASON]", "stop someone from writing in this room", [], Moderation: true),
        new("unmute", "/unmute USER", "let a muted user write again", [], Moderation: true),
        new("op", "/op USER", "make someone a moderator of this room", [], Moderation: true),
        new("deop", "/deop USER", "remove a moderator of this room", [], Moderation: true),
        new("invite", "/invite USER", "let USER join this room once (a private room is joined by invitation)", [], Moderation: true),
        new("uninvite", "/uninvite USER", "withdraw USER's invitation to this room", [], Moderation: true),
        new("private", "/private on|off", "make this room private (unlisted, joined by invitation) or public", [], Moderation: true),
        new("lock", "/lock", "let only moderators change this room's topic", [], Moderation: true),
        new("unlock", "/unlock", "let everyone change this room's topic", [], Moderation: true),
        new("pins", "/pins", "list this conversation's pinned messages (#N <from> text)", []),
        new("pin", "/pin N", "pin message #N of this conversation (rooms: moderators; private conversations: anyone in it)", [], Moderation: true),
        new("unpin", "/unpin N", "unpin message #N of this conversation", [], Moderation: true),
        new("delete", "/delete [USER]", "delete the latest message here: yours, or USER's", ["del"], Moderation: true),
        new("gkick", "/gkick USER [REASON]", "admins: disconnect someone from the server", [], Moderation: true),
        new("gban", "/gban USER|ADDRESS [DURATION] [REASON]", "admins: ban someone or an IP address from the server", [], Moderation: true),
        new("gunban", "/gunban USER|ADDRESS", "admins: lift a server ban", [], Moderation: true),
    ];

    /// <summary>What /help shows everyone: each command's syntax, then how to learn more.</summary>
    public static string HelpText { get; } =
        "Commands: " + string.Join(" · ", All.Where(c => !c.Moderation).Select(c => c.Syntax))
        + ". /help COMMAND explains one; start a message with // to send a leading slash.";

    /// <summary>What /help adds for admins and a room's owner and moderators.</summary>
    public static string ModerationHelpText { get; } =
        "Moderation: " + string.Join(" · ", All.Where(c => c.Moderation).Select(c => c.Syntax))
        + ". DURATION: 90 (seconds), 30s, 10m, 2h, 7d, 2w.";

    /// <summary>The command called <paramref name="name"/> (without the slash; any case, aliases too), or null.</summary>
    public static CommandInfo? Find(string name)
        => All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || c.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>The syntax of a command by its name, for usage errors.</summary>
    public static string Syntax(string name) => Find(name)?.Syntax ?? "/" + name;

    /// <summary>
    /// The command a mistyped name most likely meant: the only one it starts, else the nearest within one edit
    /// (two for names over 4 letters): <c>/jion</c>, <c>/lave</c>, <c>/dowload</c>; null when none is close.
    /// </summary>
    public static CommandInfo? Suggest(string typed)
    {
        var name = typed.TrimStart('/').ToLowerInvariant();
        if (name.Length == 0)
        {
            return null;
        }

        var names = All.SelectMany(c => c.Aliases.Prepend(c.Name).Select(n => (Name: n, Command: c))).ToList();
        var started = names.Where(n => n.Name.StartsWith(name, StringComparison.Ordinal)).Select(n => n.Command).Distinct().ToList();
        if (started.Count == 1)
        {
            return started[0];
        }

        var nearest = names.Select(n => (n.Command, Distance: EditDistance(name, n.Name), Allowed: n.Name.Length <= 4 ? 1 : 2))
            .Where(n => n.Distance <= n.Allowed && n.Distance < name.Length)
            .OrderBy(n => n.Distance)
            .ToList();
        return nearest.Count > 0 && nearest.Count(n => n.Distance == nearest[0].Distance && n.Command != nearest[0].Command) == 0
            ? nearest[0].Command
            : null;
    }

    /// <summary>Edits (insert, delete, replace, swap of neighbours) that turn one word into the other.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
