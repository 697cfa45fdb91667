using System.Globalization;
using System.Text;

namespace Piazza.Core;

/// <summary>
/// Makes a client-supplied file name safe to show and to put in a header: the last path segment only, no control or
/// bidirectional-formatting characters, no characters Windows refuses, trimmed, at most <see cref="MaxLength"/>
/// characters with the extension kept. The result is never used as a path on the server.
/// </summary>
public static class FileNamePolicy
{
    public const int MaxLength = 200;

    /// <summary>What an empty or entirely unusable name becomes.</summary>
    public const string Fallback = "file";

    /// <summary>Longest extension kept intact when a long name is shortened.</summary>
    private const int MaxExtensionLength = 16;

    public static string Sanitize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Fallback;
        }

        var normalized = name.IsNormalized(NormalizationForm.FormC) ? name : Normalize(name);
        var lastSeparator = normalized.LastIndexOfAny(['/', '\\']);
        var segment = normalized[(lastSeparator + 1)..];
        var builder = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            builder.Append(rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*' ? "_" : rune.ToString());
        }

        var cleaned = builder.ToString().Trim().Trim('.').Trim();
        if (cleaned.Length == 0)
        {
            return Fallback;
        }

        return cleaned.Length <= MaxLength ? cleaned : Shorten(cleaned);
    }

    private static string Normalize(string name)
    {
        try
        {
            return name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return name; // lone surrogates: the loop below drops them
        }
    }

    /// <summary>Cuts the stem, not the extension, and never between the halves of a surrogate pair.</summary>
    private static string Shorten(string name)
    {
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= MaxExtensionLength + 1 ? name[dot..] : "";
        var stemLength = MaxLength - extension.Length;
        if (char.IsHighSurrogate(name[stemLength - 1]))
        {
            stemLength--;
        }

        return name[..stemLength].TrimEnd() + extension;
    }
}
