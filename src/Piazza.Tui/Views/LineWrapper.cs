using System.Globalization;
using System.Text;
using Piazza.Protocol;
using Terminal.Gui.Text;

namespace Piazza.Tui;

/// <summary>
/// Splits a display line into rows of at most a given number of terminal columns, at spaces where possible.
/// Widths count columns, not chars, so emoji and CJK (two columns each) wrap correctly.
/// </summary>
internal static class LineWrapper
{
    /// <summary>The line breaks a message may hold; each starts a new screen row instead of showing as an escape.</summary>
    private static readonly string[] LineBreaks = ["\r\n", "\n", "\r", "\u2028", "\u2029"];

    /// <summary>
    /// The screen rows of a chat line: its first text line after time and sender, each further text line (a multi-line
    /// message) on its own row under the text column, every row wrapped to <paramref name="width"/>. Everything else a
    /// terminal would act on stays escaped (<see cref="PrintableText"/>); a tab becomes spaces.
    /// </summary>
    public static IReadOnlyList<string> Rows(ChatLine line, int width) => StyledRows(line, width).Select(r => r.Text).ToList();

    /// <summary>
    /// <see cref="Rows"/> with how each row is drawn: a message's code fences and the lines of its fenced code blocks
    /// (<see cref="CodeBlocks"/>) carry their style from <see cref="StyledRow.StyleFrom"/> (after the time and sender
    /// on the first row); notices and deleted messages are all text.
    /// </summary>
    public static IReadOnlyList<StyledRow> StyledRows(ChatLine line, int width)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Text.TrimEnd('\r', '\n', '\u2028', '\u2029').Split(LineBreaks, StringSplitOptions.None);
        var styles = line.Kind is ChatLineKind.Message or ChatLineKind.OwnMessage && !line.Deleted
            ? CodeBlocks.Styles(parts)
            : new TextLineStyle[parts.Length];
        var indent = new string(' ', ChatLine.TextColumn);
        var rows = new List<StyledRow>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Replace("\t", "    ", StringComparison.Ordinal);
            var row = i == 0 ? (line with { Text = part }).ToString() : indent + PrintableText.Escape(part);
            var from = i == 0 ? (line with { Text = "" }).ToString().Length : 0;
            foreach (var wrapped in Wrap(row, width, ChatLine.TextColumn))
            {
                rows.Add(new StyledRow(wrapped, styles[i], Math.Min(from, wrapped.Length)));
                from = 0;
            }
        }

        return rows;
    }

    /// <summary>Wraps <paramref name="text"/>; continuation rows start with <paramref name="indent"/> spaces.</summary>
    public static IReadOnlyList<string> Wrap(string text, int width, int indent, Func<string, int>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        columns ??= static s => s.GetColumns();
        if (width <= indent + 1 || columns(text) <= width)
        {
            return [text];
        }

        var rows = new List<string>();
        var row = new StringBuilder();
        var rowWidth = 0;
        var lastSpace = -1; // index in row just after the last space, for word breaks
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var w = Math.Max(0, columns(element));
            if (rowWidth + w > width)
            {
                var breakAt = lastSpace > indent ? lastSpace : row.Length;
                var carried = row.ToString(breakAt, row.Length - breakAt);
                rows.Add(row.ToString(0, breakAt).TrimEnd());
                row.Clear().Append(' ', indent).Append(carried);
                rowWidth = indent + columns(carried);
                lastSpace = -1;
            }

            row.Append(element);
            rowWidth += w;
            if (element == " ")
            {
                lastSpace = row.Length;
            }
        }

        if (row.Length > indent)
        {
            rows.Add(row.ToString());
        }

        return rows;
    }
}

/// <summary>One screen row of a chat line, drawn in <paramref name="Style"/> from the char index <paramref name="StyleFrom"/> on.</summary>
internal readonly record struct StyledRow(string Text, TextLineStyle Style, int StyleFrom);
