namespace Piazza.Core.Pins;

/// <summary>The pins' one limit (docs/protocol.md, "Pins").</summary>
public static class PinRules
{
    /// <summary>Most pinned messages per conversation: a pins panel stays one short list, and a room frame small.</summary>
    public const int MaxPins = 50;

    /// <summary>
    /// Characters of each text the pins list carries: 50 previews, every character escaped to 6 bytes, stay under the
    /// client library's 256 KiB line (whole messages of 4,000 characters would not).
    /// </summary>
    public const int PreviewChars = 500;

    /// <summary>The text itself when short enough, else its first <see cref="PreviewChars"/> characters (never half a surrogate pair).</summary>
    public static string Preview(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= PreviewChars)
        {
            return text;
        }

        var end = char.IsHighSurrogate(text[PreviewChars - 1]) ? PreviewChars - 1 : PreviewChars;
        return text[..end];
    }
}
