using System.Globalization;

namespace Piazza.Tui;

/// <summary>Replies: <c>/reply N TEXT</c> answers message #N (its seq) of the conversation shown.</summary>
internal abstract partial record ChatCommand
{
    /// <summary>Reply to the message with seq <paramref name="Seq"/> of the current conversation.</summary>
    public sealed record Reply(long Seq, string Text) : ChatCommand
    {
        /// <summary><c>N TEXT</c> (N may be written <c>#N</c>); anything else is the usage.</summary>
        public static ChatCommand Parse(string rest, Usage usage)
        {
            ArgumentNullException.ThrowIfNull(rest);
            return rest.Split(' ', 2) is [var number, var text]
                && long.TryParse(number.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
                && text.Trim().Length > 0
                ? new Reply(seq, text.Trim())
                : usage;
        }
    }
}
