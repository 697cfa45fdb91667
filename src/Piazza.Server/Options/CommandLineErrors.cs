using System.CommandLine;

namespace Piazza.Server.Options;

/// <summary>
/// A command line that does not parse, told in a line rather than System.CommandLine's full help page (80 lines that
/// pushed the one that mattered off the screen): "unknown option --prot (did you mean --port?)".
/// </summary>
public static class CommandLineErrors
{
    public const string HelpHint = "piazza-server --help lists every option";

    /// <summary>The problems and <see cref="HelpHint"/> on one line; null when the command line parsed.</summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var known = KnownFlags(parse.CommandResult.Command).ToList();
        var unknownFlags = parse.UnmatchedTokens.Where(t => t.StartsWith('-')).ToList();
        var lines = new List<string>();
        if (unknownFlags.Count > 0)
        {
            // A mistyped flag's value is unmatched too; the flag is the news, its value is not.
            // A server option given to a subcommand that does not read it is no typo: say so rather than "did you mean" it.
            var command = parse.CommandResult.Command;
            lines.AddRange(unknownFlags.Select(flag => Closest(flag, known) switch
            {
                { } same when same == flag => $"{flag} is not an option of `{command.Name}`",
                { } meant => $"unknown option {flag} (did you mean {meant}?)",
                null => $"unknown option {flag}",
            }));
        }
        else
        {
            lines.AddRange(parse.Errors.Select(e => e.Message.TrimEnd('.')));
        }

        lines.Add(HelpHint);
        return string.Join("; ", lines);
    }

    private static IEnumerable<string> KnownFlags(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var option in current.Options)
            {
                yield return option.Name;
            }
        }
    }

    /// <summary>The known flag within two edits of <paramref name="flag"/> (a typo), the nearest first; null when none is.</summary>
    private static string? Closest(string flag, IEnumerable<string> known)
        => known.Select(k => (Flag: k, Distance: EditDistance(flag, k))).Where(k => k.Distance <= 2).OrderBy(k => k.Distance).Select(k => k.Flag).FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
