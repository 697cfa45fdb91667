namespace Piazza.Tui;

/// <summary>How one line of a message's text is drawn: as text, as a code fence (<c>```</c>), or inside a code block.</summary>
internal enum TextLineStyle
{
    Text,
    Fence,
    Code,
}

/// <summary>
/// Finds Markdown's fenced code blocks in a message's lines (issue 15), as the web page does: a line of three or more
/// backticks or tildes (after at most three spaces, a backtick fence with no backtick after it) opens a block; a line
/// of at least as many of the same character, and nothing else, closes it; a block left open runs to the end.
/// </summary>
internal static class CodeBlocks
{
    /// <summary>The style of each of <paramref name="lines"/>.</summary>
    public static TextLineStyle[] Styles(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var styles = new TextLineStyle[lines.Count];
        char? fence = null;
        var length = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var found = Fence(lines[i]);
            if (fence is { } open)
            {
                var closes = found is { } close && close.Char == open && close.Length >= length && close.After.Trim().Length == 0;
                styles[i] = closes ? TextLineStyle.Fence : TextLineStyle.Code;
                fence = closes ? null : fence;
            }
            else if (found is { } start && (start.Char == '~' || !start.After.Contains('`', StringComparison.Ordinal)))
            {
                styles[i] = TextLineStyle.Fence;
                fence = start.Char;
                length = start.Length;
            }
        }

        return styles;
    }

    /// <summary>The fence a line starts with (its character, its length, what follows it), or null.</summary>
    private static (char Char, int Length, string After)? Fence(string line)
    {
        var indent = 0;
        while (indent < line.Length && line[indent] == ' ')
        {
            indent++;
        }

        if (indent > 3 || indent >= line.Length || line[indent] is not ('`' or '~'))
        {
            return null;
        }

        var c = line[indent];
        var end = indent;
        while (end < line.Length && line[end] == c)
        {
            end++;
        }

        return end - indent >= 3 ? (c, end - indent, line[end..]) : null;
    }
}
