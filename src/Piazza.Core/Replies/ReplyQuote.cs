using System.Globalization;

namespace Piazza.Core.Replies;

/// <summary>
/// What a reply shows of the message it answers: the original's id, seq and sender, and the first
/// <see cref="MaxTextElements"/> text elements (user-perceived characters) of its text. Built from the original's
/// current text whenever a message is served, so it follows later edits; once the original is deleted,
/// <see cref="Deleted"/> is set and <see cref="Text"/> is empty.
/// </summary>
public sealed record ReplyQuote(string MessageId, long Seq, string From, string Text)
{
    /// <summary>How much of the original a quote keeps: 200 text elements (grapheme clusters, never half an emoji).</summary>
    public const int MaxTextElements = 200;

    /// <summary>The original was deleted: the quote keeps who and where, not what.</summary>
    public bool Deleted { get; init; }

    /// <summary>The quote of a message with text <paramref name="text"/> (null or deleted: a deleted original's quote).</summary>
    public static ReplyQuote Of(string messageId, long seq, string from, string? text, bool deleted)
        => deleted || text is null ? new(messageId, seq, from, "") { Deleted = true } : new(messageId, seq, from, Shorten(text));

    /// <summary>This quote after its original changed: new text (null when the original was deleted).</summary>
    public ReplyQuote Following(string? newText) => Of(MessageId, Seq, From, newText, newText is null);

    /// <summary>The first <see cref="MaxTextElements"/> text elements of <paramref name="text"/>.</summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxTextElements)
        {
            return text; // at most 200 UTF-16 units: at most 200 text elements
        }

        var end = 0;
        for (var count = 0; count < MaxTextElements && end < text.Length; count++)
        {
            end += StringInfo.GetNextTextElementLength(text, end);
        }

        return text[..end];
    }
}
