using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>The one rule for a message's text, on <c>send</c> and on <c>edit</c>: its length, and the characters refused.</summary>
internal static class MessageTextRule
{
    /// <summary>Why <paramref name="text"/> cannot be a message's text (<c>too_large</c>, <c>bad_text</c>); null when it can.</summary>
    public static HubError? Check(string text, int maxChars)
    {
        if (text.Length > maxChars)
        {
            return new HubError(ErrorCode.TooLarge, $"messages are at most {maxChars} characters");
        }

        return UnicodeHygiene.CheckText(text, allowNewlines: true, out var problem) ? null : new HubError(ErrorCode.BadText, problem);
    }
}
