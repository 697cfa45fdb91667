using System.Globalization;
using System.Text;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Character classes that names and texts are checked against (docs/security.md, "Input hygiene"): control
/// characters, bidirectional controls, invisible characters, and the script of a letter for the mixed-script rule.
/// </summary>
public static class UnicodeHygiene
{
    /// <summary>A letter's script, as far as the mixed-script rule cares: the three scripts whose letters look alike.</summary>
    public enum LookAlikeScript
    {
        None,
        Latin,
        Greek,
        Cyrillic,
    }

    /// <summary><see cref="NameSyntax.Normalize"/>: one definition, shared with the clients.</summary>
    public static string Normalize(string text, NormalizationForm form) => NameSyntax.Normalize(text, form);

    /// <summary><see cref="NameSyntax.HasUnpairedSurrogate"/>: one definition, shared with the clients.</summary>
    public static bool HasUnpairedSurrogate(string text) => NameSyntax.HasUnpairedSurrogate(text);

    /// <summary>C0 controls, DEL and C1 controls (general category Cc).</summary>
    public static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control;

    /// <summary>
    /// Marks, embeddings, overrides and isolates that change the display order of text (ALM, LRM, RLM,
    /// LRE…RLO, LRI…PDI).
    /// </summary>
    public static bool IsBidiControl(Rune rune) => Piazza.Protocol.PrintableText.IsDirectionControl(rune.Value);

    /// <summary><see cref="NameSyntax.IsInvisible"/>: one definition, shared with the clients.</summary>
    public static bool IsInvisible(Rune rune) => NameSyntax.IsInvisible(rune);

    /// <summary>The look-alike script of a letter (by Unicode block), or <see cref="LookAlikeScript.None"/> for anything else.</summary>
    public static LookAlikeScript ScriptOf(Rune rune)
    {
        if (!Rune.IsLetter(rune))
        {
            return LookAlikeScript.None;
        }

        return rune.Value switch
        {
            <= 0x02AF or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF)
                or (>= 0xAB30 and <= 0xAB6F) or (>= 0xFF21 and <= 0xFF5A) or (>= 0x1D00 and <= 0x1D7F) => LookAlikeScript.Latin,
            (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => LookAlikeScript.Greek,
            (>= 0x0400 and <= 0x052F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => LookAlikeScript.Cyrillic,
            _ => LookAlikeScript.None,
        };
    }

    /// <summary><see cref="NameSyntax.CheckCharacters"/>: one definition, shared with the clients.</summary>
    public static bool CheckNameCharacters(string name, string what, out string problem) => NameSyntax.CheckCharacters(name, what, out problem);

    /// <summary>
    /// The mixed-script rule for new names: the letters of one name may come from at most one of Latin, Greek and
    /// Cyrillic (whose letters look alike). Other scripts mix freely (e.g. Japanese with Latin).
    /// </summary>
    public static bool CheckSingleLookAlikeScript(string name, string what, out string problem)
    {
        var seen = LookAlikeScript.None;
        foreach (var rune in name.EnumerateRunes())
        {
            var script = ScriptOf(rune);
            if (script == LookAlikeScript.None)
            {
                continue;
            }

            if (seen != LookAlikeScript.None && script != seen)
            {
                problem = $"{what} may not mix {seen} and {script} letters";
                return false;
            }

            seen = script;
        }

        problem = "";
        return true;
    }

    /// <summary>
    /// Checks message text (and topics): no control characters except newline and tab (and no newline at all when
    /// <paramref name="allowNewlines"/> is false), and no unpaired surrogates (they cannot be stored as UTF-8).
    /// Direction controls and joiners are kept: right-to-left languages and emoji need them.
    /// </summary>
    public static bool CheckText(string text, bool allowNewlines, out string problem)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                problem = $"text contains an unpaired surrogate at position {i}";
                return false;
            }

            if (c == '\t' || (c == '\n' && allowNewlines))
            {
                continue;
            }

            if (char.IsControl(c))
            {
                problem = $"text may not contain control characters (U+{(int)c:X4} at position {i}){(allowNewlines ? "; only newline and tab are allowed" : "")}";
                return false;
            }
        }

        problem = "";
        return true;
    }
}
