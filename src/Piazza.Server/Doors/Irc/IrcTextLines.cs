using System.Text;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Cuts a Piazza text into IRC line texts: one per line of the text (IRC has no newline), each cut again where it
/// would pass <paramref name="budget"/> UTF-8 bytes, at a space near the end if there is one, else between two code points
/// (never inside a UTF-8 sequence). Empty lines are kept as a single space, which every client shows as a blank line.
/// </summary>
public static class IrcTextLines
{
    public static List<string> Split(string text, int budget)
    {
        ArgumentNullException.ThrowIfNull(text);
        budget = Math.Max(budget, 16);
        var pieces = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                pieces.Add(" ");
                continue;
            }

            while (Encoding.UTF8.GetByteCount(line) > budget)
            {
                var cut = CutPoint(line, budget);
                pieces.Add(line[..cut].TrimEnd(' '));
                line = line[cut..].TrimStart(' ');
            }

            if (line.Length > 0)
            {
                pieces.Add(line);
            }
        }

        while (pieces.Count > 1 && pieces[^1] == " ")
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        return pieces;
    }

    /// <summary>
    /// The pieces of a draft/multiline batch: one per line of the text (blank ones kept empty), a line longer than
    /// <paramref name="budget"/> bytes cut as <see cref="Split"/> cuts it but keeping its spaces, each later piece marked
    /// <c>Concat</c> (sent with <c>draft/multiline-concat</c>), so joining the pieces gives the text back exactly.
    /// </summary>
    public static List<(string Text, bool Concat)> SplitForBatch(string text, int budget)
    {
        ArgumentNullException.ThrowIfNull(text);
        budget = Math.Max(budget, 16);
        var pieces = new List<(string, bool)>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var concat = false;
            while (Encoding.UTF8.GetByteCount(line) > budget)
            {
                var cut = CutPoint(line, budget);
                pieces.Add((line[..cut], concat));
                line = line[cut..];
                concat = true;
            }

            pieces.Add((line, concat));
        }

        return pieces;
    }

    /// <summary>The UTF-16 index at which to cut so the head fits <paramref name="budget"/> bytes.</summary>
    private static int CutPoint(string line, int budget)
    {
        var bytes = 0;
        var index = 0;
        var lastSpace = -1;
        foreach (var rune in line.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            if (rune.Value == ' ')
            {
                lastSpace = index;
            }

            index += rune.Utf16SequenceLength;
        }

        // A space in the last quarter makes a tidier break than a cut mid-word.
        return lastSpace > index * 3 / 4 ? lastSpace + 1 : Math.Max(index, 1);
    }
}
