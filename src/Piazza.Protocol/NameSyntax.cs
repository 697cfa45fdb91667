using System.Globalization;
using System.Text;

namespace Piazza.Protocol;

/// <summary>
/// The rules every room and user name obeys (docs/protocol.md, "User names"): taken in Unicode NFC, of bounded length,
/// made of letters, digits, '_', '-' and '.' only. The one definition: the server's RoomNamePolicy and UserNamePolicy
/// (which add reserved names and the stricter rules for new names) build on it, and clients use it to say which rule a
/// typed name breaks before asking the server.
/// </summary>
public static class NameSyntax
{
    /// <summary>Room names are at most this many UTF-16 characters (after NFC).</summary>
    public const int MaxRoomLength = 64;

    /// <summary>User names are at most this many characters (Unicode scalar values, after NFC).</summary>
    public const int MaxUserLength = 32;

    /// <summary>
    /// <paramref name="text"/> in the given normal form; unchanged when <see cref="string.Normalize(NormalizationForm)"/>
    /// refuses it (an unpaired surrogate, or U+FFFE), which every name check then refuses too.
    /// </summary>
    public static string Normalize(string text, NormalizationForm form = NormalizationForm.FormC)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (HasUnpairedSurrogate(text))
        {
            return text;
        }

        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// <summary>True when the string is not valid UTF-16 (a surrogate without its partner).</summary>
    public static bool HasUnpairedSurrogate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Characters that draw nothing: every format character (Cf: ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen,
    /// invisible operators, tag characters…), the combining grapheme joiner, variation selectors, and the letters
    /// that render blank (Hangul fillers, Khmer inherent vowels).
    /// </summary>
    public static bool IsInvisible(Rune rune)
        => Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
           || rune.Value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0
           || rune.Value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>
    /// A room name: 1 to <see cref="MaxRoomLength"/> characters (after NFC) of the allowed kinds; on failure
    /// <paramref name="problem"/> says which rule it breaks, in words a user understands.
    /// </summary>
    public static bool CheckRoomName(string? name, out string problem)
    {
        if (string.IsNullOrEmpty(name))
        {
            problem = "a room name is required";
            return false;
        }

        if (HasUnpairedSurrogate(name))
        {
            problem = "the room name is not valid Unicode";
            return false;
        }

        name = Normalize(name);
        if (name.Length > MaxRoomLength)
        {
            problem = $"room names are at most {MaxRoomLength} characters";
            return false;
        }

        return CheckCharacters(name, "room names", out problem);
    }

    /// <summary>
    /// A user name's form: 1 to <see cref="MaxUserLength"/> characters (after NFC) of the allowed kinds. Reserved names
    /// and the rules for new names are the server's to check.
    /// </summary>
    public static bool CheckUserName(string? name, out string problem)
    {
        if (string.IsNullOrEmpty(name))
        {
            problem = "a user name is required";
            return false;
        }

        if (HasUnpairedSurrogate(name))
        {
            problem = "the name is not valid Unicode";
            return false;
        }

        name = Normalize(name);
        if (!CheckCharacters(name, "names", out problem))
        {
            return false;
        }

        if (name.EnumerateRunes().Count() > MaxUserLength)
        {
            problem = $"names are at most {MaxUserLength} characters";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Checks the characters of a name (already in NFC): letters, digits, '_', '-' and '.' only, with a specific
    /// reason for the characters people use to spoof (controls, direction controls, invisible characters) and the
    /// offending character named otherwise.
    /// </summary>
    public static bool CheckCharacters(string name, string what, out string problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control)
            {
                problem = $"{what} may not contain control characters (U+{rune.Value:X4})";
                return false;
            }

            if (PrintableText.IsDirectionControl(rune.Value))
            {
                problem = $"{what} may not contain direction controls (U+{rune.Value:X4})";
                return false;
            }

            if (IsInvisible(rune))
            {
                problem = $"{what} may not contain invisible characters (U+{rune.Value:X4})";
                return false;
            }

            if (!(Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '.'))
            {
                var which = Rune.IsWhiteSpace(rune) ? "spaces" : rune.IsAscii ? $"'{rune}'" : $"'{rune}' (U+{rune.Value:X4})";
                problem = $"{what} may contain only letters, digits, '_', '-' and '.' (not {which})";
                return false;
            }
        }

        problem = "";
        return true;
    }
}
