using System.Globalization;
using System.Text;

namespace Piazza.Protocol;

/// <summary>
/// Text from others made safe to print on a terminal or in a log line: every character a terminal or a log reader
/// would act on is shown as a visible escape instead (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001B</c>…), so no
/// control sequence is ever emitted and no line can be forged. Escaped: control characters (C0, DEL, C1), line and
/// paragraph separators, direction controls (they reorder what follows them), and unpaired surrogates. Everything
/// else, emoji joiners and right-to-left letters included, is kept as it is. Used by the server's logs,
/// <c>piazza-server admin audit</c> and the terminal client.
/// </summary>
public static class PrintableText
{
    /// <summary><paramref name="text"/> with every unsafe character escaped ("" for null); longer than <paramref name="maxChars"/> is cut, saying how much.</summary>
    public static string Escape(string? text, int maxChars = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var cut = text.Length > maxChars;
        if (!cut && !NeedsEscape(text))
        {
            return text;
        }

        var source = cut ? text[..maxChars] : text;
        var builder = new StringBuilder(source.Length + 16);
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                builder.Append(c).Append(source[++i]);
                continue;
            }

            if (!IsUnsafe(c))
            {
                builder.Append(c);
                continue;
            }

            builder.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }

        if (cut)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…(+{text.Length - maxChars} chars)");
        }

        return builder.ToString();
    }

    /// <summary>True when <see cref="Escape"/> would change <paramref name="text"/> (other than cutting it).</summary>
    public static bool NeedsEscape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Marks, embeddings, overrides and isolates that change the display order of text (ALM, LRM, RLM, LRE…RLO,
    /// LRI…PDI). The one list: the name rules refuse them too.
    /// </summary>
    public static bool IsDirectionControl(int codePoint)
        => codePoint is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    /// <summary>Control characters, U+2028/U+2029, direction controls, and (reached only when unpaired) surrogates.</summary>
    private static bool IsUnsafe(char c)
        => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' || IsDirectionControl(c);
}
