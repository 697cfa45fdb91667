using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Piazza.Core.Reactions;

/// <summary>
/// The one rule for what a reaction may be (docs/protocol.md, "Reactions"): a single emoji, that is one grapheme
/// cluster of at most <see cref="MaxBytes"/> UTF-8 bytes made of an Extended_Pictographic character (with the
/// variation selectors, skin tones, ZWJ joins and tag characters of emoji sequences), a pair of regional indicators
/// (a flag) or a keycap sequence; or a <c>:shortcode:</c> of <see cref="Shortcodes"/>, which stands for its emoji, so
/// both spellings count as one reaction. Letters, digits, spaces and control or format characters are refused.
/// </summary>
public static class ReactionEmoji
{
    /// <summary>Most UTF-8 bytes of one emoji: long ZWJ families with skin tones are refused, so a reaction stays small.</summary>
    public const int MaxBytes = 32;

    /// <summary>Longest input looked at (UTF-16 units): anything longer is refused before it is parsed.</summary>
    private const int MaxInputChars = 48;

    /// <summary>The shortcodes understood, each with the emoji it is stored and sent as.</summary>
    public static FrozenDictionary<string, string> Shortcodes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [":+1:"] = "👍",
        [":thumbsup:"] = "👍",
        [":-1:"] = "👎",
        [":thumbsdown:"] = "👎",
        [":heart:"] = "❤️",
        [":smile:"] = "😄",
        [":grin:"] = "😁",
        [":joy:"] = "😂",
        [":laughing:"] = "😆",
        [":wink:"] = "😉",
        [":slightly_smiling_face:"] = "🙂",
        [":heart_eyes:"] = "😍",
        [":thinking:"] = "🤔",
        [":open_mouth:"] = "😮",
        [":cry:"] = "😢",
        [":sob:"] = "😭",
        [":angry:"] = "😠",
        [":confused:"] = "😕",
        [":tada:"] = "🎉",
        [":rocket:"] = "🚀",
        [":eyes:"] = "👀",
        [":fire:"] = "🔥",
        [":clap:"] = "👏",
        [":pray:"] = "🙏",
        [":ok_hand:"] = "👌",
        [":wave:"] = "👋",
        [":raised_hands:"] = "🙌",
        [":muscle:"] = "💪",
        [":100:"] = "💯",
        [":white_check_mark:"] = "✅",
        [":x:"] = "❌",
        [":star:"] = "⭐",
        [":sparkles:"] = "✨",
        [":coffee:"] = "☕",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Checks <paramref name="input"/>: true with the emoji to store (a shortcode's emoji, or the input itself), or
    /// false with the reason it is refused.
    /// </summary>
    public static bool TryNormalize(string? input, out string emoji, out string problem)
    {
        emoji = "";
        if (string.IsNullOrEmpty(input))
        {
            problem = "\"emoji\" is missing";
            return false;
        }

        if (input.Length > MaxInputChars)
        {
            problem = $"an emoji is at most {MaxBytes} bytes";
            return false;
        }

        if (input.Length > 2 && input[0] == ':' && input[^1] == ':')
        {
            if (Shortcodes.TryGetValue(input.ToLowerInvariant(), out var known))
            {
                emoji = known;
                problem = "";
                return true;
            }

            problem = $"unknown shortcode {input} (docs/protocol.md, \"Reactions\", lists them)";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(input) > MaxBytes)
        {
            problem = $"an emoji is at most {MaxBytes} bytes";
            return false;
        }

        if (!IsOneCluster(input) || !IsEmojiCluster(input))
        {
            problem = "\"emoji\" must be one emoji or a :shortcode:";
            return false;
        }

        emoji = input;
        problem = "";
        return true;
    }

    private static bool IsOneCluster(string input)
        => StringInfo.GetNextTextElementLength(input) == input.Length;

    /// <summary>Whether a single grapheme cluster is an emoji: every character belongs to emoji sequences and one carries it.</summary>
    private static bool IsEmojiCluster(string cluster)
    {
        var pictographic = false;
        var regional = 0;
        var keycapBase = false;
        var keycap = false;
        var first = true;
        foreach (var rune in cluster.EnumerateRunes())
        {
            var v = rune.Value;
            if (IsExtendedPictographic(v))
            {
                pictographic = true;
            }
            else if (v is >= 0x1F1E6 and <= 0x1F1FF)
            {
                regional++;
            }
            else if (first && (v is '#' or '*' || (v >= '0' && v <= '9')))
            {
                keycapBase = true;
            }
            else if (v == 0x20E3)
            {
                keycap = true;
            }
            else if (!IsSequencePart(v))
            {
                return false;
            }

            first = false;
        }

        return (pictographic && regional == 0 && !keycapBase)
            || (regional == 2 && !pictographic && !keycapBase)
            || (keycapBase && keycap && !pictographic && regional == 0);
    }

    /// <summary>Characters that only join or modify emoji: ZWJ, variation selectors, skin tones, tag characters.</summary>
    private static bool IsSequencePart(int v)
        => v is 0x200D or 0xFE0E or 0xFE0F or (>= 0x1F3FB and <= 0x1F3FF) or (>= 0xE0020 and <= 0xE007F);

    /// <summary>Unicode's Extended_Pictographic property (emoji-data.txt, Unicode 15), as ranges.</summary>
    internal static bool IsExtendedPictographic(int v)
    {
        if (v < 0xA9)
        {
            return false;
        }

        var ranges = PictographicRanges;
        int lo = 0, hi = (ranges.Length / 2) - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (v < ranges[mid * 2])
            {
                hi = mid - 1;
            }
            else if (v > ranges[(mid * 2) + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    // Pairs of (first, last), ascending: Extended_Pictographic from Unicode's emoji-data.txt.
    private static readonly int[] PictographicRanges =
    [
        0x00A9, 0x00A9, 0x00AE, 0x00AE, 0x203C, 0x203C, 0x2049, 0x2049, 0x2122, 0x2122, 0x2139, 0x2139,
        0x2194, 0x2199, 0x21A9, 0x21AA, 0x231A, 0x231B, 0x2328, 0x2328, 0x2388, 0x2388, 0x23CF, 0x23CF,
        0x23E9, 0x23F3, 0x23F8, 0x23FA, 0x24C2, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25B6, 0x25C0, 0x25C0,
        0x25FB, 0x25FE, 0x2600, 0x2605, 0x2607, 0x2612, 0x2614, 0x2685, 0x2690, 0x2705, 0x2708, 0x2712,
        0x2714, 0x2714, 0x2716, 0x2716, 0x271D, 0x271D, 0x2721, 0x2721, 0x2728, 0x2728, 0x2733, 0x2734,
        0x2744, 0x2744, 0x2747, 0x2747, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757,
        0x2763, 0x2767, 0x2795, 0x2797, 0x27A1, 0x27A1, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2934, 0x2935,
        0x2B05, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x3030, 0x3030, 0x303D, 0x303D,
        0x3297, 0x3297, 0x3299, 0x3299, 0x1F000, 0x1F0FF, 0x1F10D, 0x1F10F, 0x1F12F, 0x1F12F,
        0x1F16C, 0x1F171, 0x1F17E, 0x1F17F, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F1AD, 0x1F1E5,
        0x1F201, 0x1F20F, 0x1F21A, 0x1F21A, 0x1F22F, 0x1F22F, 0x1F232, 0x1F23A, 0x1F23C, 0x1F23F,
        0x1F249, 0x1F3FA, 0x1F400, 0x1F53D, 0x1F546, 0x1F64F, 0x1F680, 0x1F6FF, 0x1F774, 0x1F77F,
        0x1F7D5, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848, 0x1F84F, 0x1F85A, 0x1F85F, 0x1F888, 0x1F88F,
        0x1F8AE, 0x1F8FF, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1FAFF, 0x1FC00, 0x1FFFD,
    ];
}
