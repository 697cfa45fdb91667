using System.Buffers;
using System.Text;

namespace Piazza.Server.Doors.Irc;

/// <summary>Why a received line could not be read as an IRC message.</summary>
public enum IrcParseStatus
{
    Ok,

    /// <summary>Not valid UTF-8: the door advertises UTF8ONLY, so it is refused and never relayed.</summary>
    InvalidUtf8,

    /// <summary>The tags exceed 8,191 bytes or the rest exceeds 512 (with its CR LF): ERR_INPUTTOOLONG.</summary>
    TooLong,

    /// <summary>Nothing but tags and a source: no command.</summary>
    NoCommand,
}

/// <summary>
/// One IRC message as a client sent it (modern.ircdocs.horse, "Message format"; IRCv3 message-tags): tags, an optional
/// source (ignored from clients), the command in upper case and its parameters, the trailing one included.
/// </summary>
public sealed class IrcMessage
{
    /// <summary>The most bytes of the tags section, its '@' and the space after it included (IRCv3 message-tags).</summary>
    public const int MaxTagBytes = 8191;

    /// <summary>The most bytes of the rest of a line, CR LF included (RFC 1459).</summary>
    public const int MaxBodyBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private IrcMessage(IReadOnlyDictionary<string, string>? tags, string command, IReadOnlyList<string> parameters)
    {
        Tags = tags;
        Command = command;
        Parameters = parameters;
    }

    /// <summary>The message's tags, unescaped; null when it has none.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; }

    public string Command { get; }

    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The parameter at <paramref name="index"/>, or null when there are fewer.</summary>
    public string? Param(int index) => index < Parameters.Count ? Parameters[index] : null;

    public string? Tag(string name) => Tags is not null && Tags.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses one line (without its CR LF). On <see cref="IrcParseStatus.InvalidUtf8"/> or <see cref="IrcParseStatus.TooLong"/>,
    /// <paramref name="command"/> is still the best guess at the command, for the error reply.
    /// </summary>
    public static IrcParseStatus TryParse(in ReadOnlySequence<byte> line, out IrcMessage? message, out string command)
    {
        message = null;
        var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        var tagBytes = 0;
        if (bytes.Length > 0 && bytes[0] == (byte)'@')
        {
            var space = bytes.IndexOf((byte)' ');
            tagBytes = space < 0 ? bytes.Length : space + 1;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            command = CommandOf(Encoding.UTF8.GetString(bytes));
            return IrcParseStatus.InvalidUtf8;
        }

        if (tagBytes > MaxTagBytes || bytes.Length - tagBytes > MaxBodyBytes - 2)
        {
            command = CommandOf(text);
            return IrcParseStatus.TooLong;
        }

        var at = 0;
        Dictionary<string, string>? tags = null;
        if (text.StartsWith('@'))
        {
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            tags = ParseTags(end < 0 ? text[1..] : text[1..end]);
            at = end < 0 ? text.Length : end + 1;
        }

        at = SkipSpaces(text, at);
        if (at < text.Length && text[at] == ':')
        {
            var end = text.IndexOf(' ', at);
            at = end < 0 ? text.Length : SkipSpaces(text, end);
        }

        var commandEnd = text.IndexOf(' ', at);
        command = (commandEnd < 0 ? text[at..] : text[at..commandEnd]).ToUpperInvariant();
        if (command.Length == 0)
        {
            return IrcParseStatus.NoCommand;
        }

        var parameters = new List<string>();
        at = commandEnd < 0 ? text.Length : SkipSpaces(text, commandEnd);
        while (at < text.Length)
        {
            if (text[at] == ':')
            {
                parameters.Add(text[(at + 1)..]);
                break;
            }

            var end = text.IndexOf(' ', at);
            parameters.Add(end < 0 ? text[at..] : text[at..end]);
            at = end < 0 ? text.Length : SkipSpaces(text, end);
        }

        message = new IrcMessage(tags, command, parameters);
        return IrcParseStatus.Ok;
    }

    /// <summary>Tags as IRCv3 escapes them: <c>\:</c> ';', <c>\s</c> space, <c>\\</c>, <c>\r</c>, <c>\n</c>; a lone trailing '\' is dropped.</summary>
    private static Dictionary<string, string> ParseTags(string section)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in section.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? item : item[..equals];
            tags[key] = equals < 0 ? "" : Unescape(item[(equals + 1)..]);
        }

        return tags;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                result.Append(value[i]);
                continue;
            }

            if (++i == value.Length)
            {
                break;
            }

            result.Append(value[i] switch { ':' => ';', 's' => ' ', 'r' => '\r', 'n' => '\n', var other => other });
        }

        return result.ToString();
    }

    private static int SkipSpaces(string text, int at)
    {
        while (at < text.Length && text[at] == ' ')
        {
            at++;
        }

        return at;
    }

    private static string CommandOf(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = words.Length > 0 && words[0].StartsWith('@') ? 1 : 0;
        if (index < words.Length && words[index].StartsWith(':'))
        {
            index++;
        }

        return index < words.Length && words[index].Length <= 32 ? words[index].ToUpperInvariant() : "*";
    }
}
