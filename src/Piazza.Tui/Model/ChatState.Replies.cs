using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Replies: the quote a reply shows on the row above it.</summary>
internal sealed partial class ChatState
{
    /// <summary>How much of the quoted text the row keeps: the start, so the row stays one row in most windows.</summary>
    public const int QuoteTextElements = 60;

    /// <summary>Message <paramref name="seq"/> was deleted: held replies quoting it now say so. True when one changed.</summary>
    public static bool FollowDeletion(List<ChatLine> lines, long seq)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var changed = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Reply is { Deleted: false } quote && quote.Seq == seq)
            {
                lines[i] = lines[i] with { Reply = quote with { Text = "", Deleted = true } };
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Message <paramref name="seq"/> was edited: held replies quoting it quote <paramref name="text"/>, as history would. True when one changed.</summary>
    public static bool FollowEdit(List<ChatLine> lines, long seq, string text)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var changed = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Reply is { Deleted: false } quote && quote.Seq == seq && quote.Text != text)
            {
                lines[i] = lines[i] with { Reply = quote with { Text = text } };
                changed = true;
            }
        }

        return changed;
    }

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
