using System.Text;

namespace Piazza.Core.Search;

/// <summary>
/// The snippet of a search result, built the same way whatever the store: at most <see cref="MaxChars"/> characters of
/// the message around its first match, every match in it between <see cref="MatchStart"/> (U+0002) and
/// <see cref="MatchEnd"/> (U+0003), "…" where the text was cut. Those two control characters never occur in a stored
/// message (the send rules refuse control characters) and are removed from the text if they did, so a client can split
/// on them without any escaping; line breaks and tabs become spaces. Never HTML.
/// </summary>
public static class SearchSnippet
{
    /// <summary>Marks the start of a match in a snippet (U+0002, START OF TEXT).</summary>
    public const char MatchStart = '\u0002';

    /// <summary>Marks the end of a match in a snippet (U+0003, END OF TEXT).</summary>
    public const char MatchEnd = '\u0003';

    /// <summary>The most characters of message text in a snippet (markers and "…" not counted).</summary>
    public const int MaxChars = 200;

    /// <summary>How much text to show before the first match, when there is that much.</summary>
    private const int Lead = 60;

    public static string Build(string text, SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(query);
        var clean = Clean(text);
        var matches = Matches(clean, query.Include);
        var first = matches.Count > 0 ? matches[0].Start : 0;
        var start = first <= Lead ? 0 : WordStart(clean, first - Lead);
        if (clean.Length <= MaxChars)
        {
            start = 0;
        }
        else if (clean.Length - start < MaxChars)
        {
            // Near the end: show a full window, ending with the text.
            start = Math.Min(WordStart(clean, clean.Length - MaxChars), first);
        }

        var end = Math.Min(clean.Length, start + MaxChars);
        if (end < clean.Length && char.IsLowSurrogate(clean[end]))
        {
            end--;
        }

        var builder = new StringBuilder(MaxChars + 8);
        if (start > 0)
        {
            builder.Append('…');
        }

        var at = start;
        foreach (var (matchStart, matchEnd) in matches)
        {
            if (matchStart < at || matchEnd > end)
            {
                continue;
            }

            builder.Append(clean, at, matchStart - at).Append(MatchStart).Append(clean, matchStart, matchEnd - matchStart).Append(MatchEnd);
            at = matchEnd;
        }

        builder.Append(clean, at, end - at);
        if (end < clean.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    /// <summary>Every place a term matches, in text order, without overlaps (start and end in UTF-16 units).</summary>
    private static List<(int Start, int End)> Matches(string text, IReadOnlyList<SearchTerm> terms)
    {
        var tokens = SearchText.Tokenize(text);
        var found = new List<(int Start, int End)>();
        var next = 0;
        for (var p = 0; p < tokens.Count; p++)
        {
            if (p < next)
            {
                continue;
            }

            foreach (var term in terms)
            {
                if (MatchesAt(tokens, p, term))
                {
                    var last = tokens[p + term.Tokens.Count - 1];
                    found.Add((tokens[p].Start, last.Start + last.Length));
                    next = p + term.Tokens.Count;
                    break;
                }
            }
        }

        return found;
    }

    private static bool MatchesAt(List<SearchText.Token> tokens, int p, SearchTerm term)
    {
        if (p + term.Tokens.Count > tokens.Count)
        {
            return false;
        }

        for (var k = 0; k < term.Tokens.Count; k++)
        {
            var token = tokens[p + k].Folded;
            var wanted = term.Tokens[k];
            var isLast = k == term.Tokens.Count - 1;
            if (!(isLast && term.Prefix ? token.StartsWith(wanted, StringComparison.Ordinal) : token == wanted))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The start of the word at or after <paramref name="index"/> (so a snippet does not open mid-word).</summary>
    private static int WordStart(string text, int index)
    {
        if (index >= text.Length)
        {
            return text.Length;
        }

        var limit = Math.Min(text.Length, index + 20);
        for (var i = index; i < limit; i++)
        {
            if (text[i] == ' ')
            {
                return i + 1;
            }
        }

        return char.IsLowSurrogate(text[index]) ? index + 1 : index;
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                MatchStart or MatchEnd => ' ',
                '\r' or '\n' or '\t' => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }
}
