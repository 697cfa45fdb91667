using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Replies: the quote a reply shows on the row above it.</summary>
internal sealed partial class ChatState
{
    /// <summary>How much of the quoted text the row keeps: the start, so the row stays one row in most windows.</summary>
    public const int QuoteTextElements = 60;

    /// <summary><c>↳ bob: first words…</c>, or <c>↳ bob: (deleted)</c>; null for a message that is no reply.</summary>
    public static string? QuoteOf(MessageQuote? quote)
    {
        if (quote is null)
        {
            return null;
        }

        if (quote.Deleted)
        {
            return $"↳ {quote.From}: (deleted)";
        }

        var text = string.Join(' ', quote.Text.Split(['\r', '\n', '\u2028', '\u2029'], StringSplitOptions.RemoveEmptyEntries));
        var info = new StringInfo(text);
        return info.LengthInTextElements <= QuoteTextElements
            ? $"↳ {quote.From}: {text}"
            : $"↳ {quote.From}: {info.SubstringByTextElements(0, QuoteTextElements).TrimEnd()}…";
    }
}
