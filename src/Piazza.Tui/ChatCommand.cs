namespace Piazza.Tui;

/// <summary>What a line typed by the user asks for.</summary>
internal abstract record ChatCommand
{
    public const string HelpText =
        "Commands: /who lists users, /help shows this, /quit leaves. Start a message with // to send a leading slash.";

    /// <summary>The answer to /who as one line, sorted so it reads the same as the user list.</summary>
    public static string FormatUsers(IEnumerable<string> users)
    {
        var sorted = users.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return $"users ({sorted.Count}): {string.Join(", ", sorted)}";
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

        var name = text.Split(' ', 2)[0].ToUpperInvariant();
        return name switch
        {
            "/QUIT" or "/EXIT" => new Quit(),
            "/WHO" or "/USERS" => new Who(),
            "/HELP" or "/?" => new Help(),
            _ => new Unknown(text.Split(' ', 2)[0]),
        };
    }

    public sealed record None : ChatCommand;

    public sealed record Send(string Text) : ChatCommand;

    public sealed record Who : ChatCommand;

    public sealed record Help : ChatCommand;

    public sealed record Quit : ChatCommand;

    public sealed record Unknown(string Name) : ChatCommand;
}
