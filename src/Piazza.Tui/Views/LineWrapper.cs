using System.Globalization;
using System.Text;
using Terminal.Gui.Text;

namespace Piazza.Tui;

/// <summary>
/// Splits a display line into rows of at most a given number of terminal columns, at spaces where possible.
/// Widths count columns, not chars, so emoji and CJK (two columns each) wrap correctly.
/// </summary>
internal static class LineWrapper
{
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
