namespace Piazza.Bench.Targets;

/// <summary>
/// One IRC line split into command and parameters over the wire bytes (no allocation): <c>[@tags ][:prefix ]COMMAND params</c>.
/// Only what the benchmark reads: the command, a middle parameter by index and the trailing parameter.
/// </summary>
internal readonly ref struct IrcLine
{
    private IrcLine(ReadOnlySpan<byte> command, ReadOnlySpan<byte> parameters)
    {
        Command = command;
        Parameters = parameters;
    }

    public ReadOnlySpan<byte> Command { get; }

    /// <summary>Everything after the command, e.g. <c>#room :text</c>.</summary>
    public ReadOnlySpan<byte> Parameters { get; }

    /// <summary>Parses one line (the CR, if any, is dropped; the LF is not part of <paramref name="line"/>).</summary>
    public static IrcLine Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.Length > 0 && line[0] == '@')
        {
            line = SkipWord(line);
        }

        if (line.Length > 0 && line[0] == ':')
        {
            line = SkipWord(line);
        }

        var space = line.IndexOf((byte)' ');
        return space < 0 ? new IrcLine(line, []) : new IrcLine(line[..space], line[(space + 1)..].TrimStart((byte)' '));
    }

    /// <summary>The middle parameter at <paramref name="index"/> (0-based); empty when there is none.</summary>
    public static ReadOnlySpan<byte> Parameter(ReadOnlySpan<byte> parameters, int index)
    {
        for (var i = 0; parameters.Length > 0 && parameters[0] != ':'; i++)
        {
            var space = parameters.IndexOf((byte)' ');
            var word = space < 0 ? parameters : parameters[..space];
            if (i == index)
            {
                return word;
            }

            parameters = space < 0 ? [] : parameters[(space + 1)..].TrimStart((byte)' ');
        }

        return [];
    }

    /// <summary>The trailing parameter (after <c> :</c>), or the last middle one when there is no colon.</summary>
    public static ReadOnlySpan<byte> Trailing(ReadOnlySpan<byte> parameters)
    {
        if (parameters.Length > 0 && parameters[0] == ':')
        {
            return parameters[1..];
        }

        var colon = parameters.IndexOf(" :"u8);
        if (colon >= 0)
        {
            return parameters[(colon + 2)..];
        }

        var space = parameters.LastIndexOf((byte)' ');
        return space < 0 ? parameters : parameters[(space + 1)..];
    }

    private static ReadOnlySpan<byte> SkipWord(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        return space < 0 ? [] : line[(space + 1)..].TrimStart((byte)' ');
    }
}
