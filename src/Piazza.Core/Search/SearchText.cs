using System.Globalization;
using System.Text;

namespace Piazza.Core.Search;

/// <summary>
/// How search sees text, shared by the query parser and the snippet builder: tokens are runs of letters, digits and
/// private-use characters (as SQLite's unicode61 tokenizer splits), folded to lower case without diacritics
/// (<c>Café</c> → <c>cafe</c>, as <c>remove_diacritics 2</c> and PostgreSQL's unaccent do).
/// </summary>
public static class SearchText
{
    /// <summary>A token of <see cref="Source"/>: where it starts, how long it is there, and its folded form.</summary>
    public readonly record struct Token(int Start, int Length, string Folded);

    /// <summary>Lower case, with combining marks removed after canonical decomposition.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Whether a character is part of a token (letters, digits, private use; combining marks stay with their letter).</summary>
    public static bool IsTokenRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.PrivateUse
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        _ => false,
    };

    /// <summary>The tokens of <paramref name="text"/> in order, each with its place in the text and its folded form.</summary>
    public static List<Token> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>();
        var start = -1;
        var index = 0;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            if (IsTokenRune(rune))
            {
                if (start < 0)
                {
                    start = index;
                }
            }
            else if (start >= 0)
            {
                Add(tokens, text, start, index);
                start = -1;
            }

            index += consumed;
        }

        if (start >= 0)
        {
            Add(tokens, text, start, text.Length);
        }

        return tokens;
    }

    private static void Add(List<Token> tokens, string text, int start, int end)
    {
        var folded = Fold(text[start..end]);
        if (folded.Length > 0)
        {
            tokens.Add(new Token(start, end - start, folded));
        }
    }
}
