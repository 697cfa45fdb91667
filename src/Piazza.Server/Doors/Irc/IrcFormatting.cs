using System.Text;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// IRC's in-band text conventions to and from Piazza text: CTCP ACTION (<c>/me</c>) both ways, and mIRC formatting
/// codes, which Piazza text cannot hold (control characters), turned into the Markdown the other clients render
/// (bold <c>**</c>, italics <c>_</c>, monospace <c>`</c>) or dropped (colours, underline, reverse, reset).
/// </summary>
public static class IrcFormatting
{
    /// <summary>The Piazza text of an action (<c>/me waves</c>), as the terminal client and page would show it.</summary>
    public const string ActionPrefix = "/me ";

    private const char Ctcp = '\u0001';

    /// <summary>Whether a PRIVMSG text is a CTCP request other than ACTION (VERSION, PING…), which is not relayed as a message.</summary>
    public static bool IsCtcpRequest(string text, out string verb)
    {
        ArgumentNullException.ThrowIfNull(text);
        verb = "";
        if (text.Length < 2 || text[0] != Ctcp)
        {
            return false;
        }

        var body = text.Trim(Ctcp);
        var space = body.IndexOf(' ', StringComparison.Ordinal);
        verb = (space < 0 ? body : body[..space]).ToUpperInvariant();
        return verb != "ACTION";
    }

    /// <summary>An IRC client's text as Piazza text.</summary>
    public static string FromIrc(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(Ctcp + "ACTION ", StringComparison.Ordinal))
        {
            text = ActionPrefix + text[8..].TrimEnd(Ctcp);
        }

        if (!text.Any(c => c < ' '))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\u0002':
                    result.Append("**");
                    break;
                case '\u001d':
                    result.Append('_');
                    break;
                case '\u0011':
                    result.Append('`');
                    break;
                case '\u0003':
                    i = SkipColour(text, i);
                    break;
                case '\u0004':
                    i = SkipHexColour(text, i);
                    break;
                case '\t':
                    result.Append('\t');
                    break;
                case var c when c < ' ':
                    break; // underline, strike, reverse, reset and other controls have no Piazza form
                case var c:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }

    /// <summary>One IRC line's text of a Piazza text line: an action becomes CTCP ACTION again.</summary>
    public static string ToIrc(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.StartsWith(ActionPrefix, StringComparison.Ordinal) && line.Length > ActionPrefix.Length
            ? $"{Ctcp}ACTION {line[ActionPrefix.Length..]}{Ctcp}"
            : line;
    }

    /// <summary>Skips <c>^C</c> and its optional <c>fg[,bg]</c> of one or two digits each.</summary>
    private static int SkipColour(string text, int at)
    {
        var i = SkipDigits(text, at + 1, 2);
        if (i > at + 1 && i + 1 < text.Length && text[i] == ',' && char.IsAsciiDigit(text[i + 1]))
        {
            i = SkipDigits(text, i + 1, 2);
        }

        return i - 1;
    }

    private static int SkipHexColour(string text, int at)
    {
        var i = at + 1;
        for (var n = 0; n < 6 && i < text.Length && char.IsAsciiHexDigit(text[i]); n++)
        {
            i++;
        }

        return i - 1;
    }

    private static int SkipDigits(string text, int from, int most)
    {
        var i = from;
        while (i < text.Length && i - from < most && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
