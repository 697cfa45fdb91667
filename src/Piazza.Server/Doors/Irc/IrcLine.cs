using System.Text;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Builds one outgoing IRC line: <c>@tags :source COMMAND params… :trailing\r\n</c> as UTF-8. The one place that
/// escapes tag values and keeps CR, LF and NUL out of parameters (a Piazza text never reaches here with them; this is
/// the guard that a line can never be split in two by what it carries).
/// </summary>
public sealed class IrcLine
{
    private readonly StringBuilder _text = new(128);
    private bool _hasTags;
    private bool _started;

    public IrcLine Tag(string key, string? value)
    {
        if (_started)
        {
            throw new InvalidOperationException("tags come before the source and command");
        }

        _text.Append(_hasTags ? ';' : '@').Append(key);
        if (!string.IsNullOrEmpty(value))
        {
            _text.Append('=');
            AppendEscaped(value);
        }

        _hasTags = true;
        return this;
    }

    /// <summary>Starts the message proper: its source (null for none) and command.</summary>
    public IrcLine Command(string? source, string command)
    {
        if (_hasTags)
        {
            _text.Append(' ');
        }

        if (source is not null)
        {
            _text.Append(':').Append(source).Append(' ');
        }

        _text.Append(command);
        _started = true;
        return this;
    }

    /// <summary>A middle parameter: no spaces, never empty, never starting with ':' (each replaced rather than break the line).</summary>
    public IrcLine Param(string value)
    {
        _text.Append(' ');
        var clean = Clean(value).Replace(' ', '_');
        _text.Append(clean.Length == 0 ? "*" : clean.StartsWith(':') ? "*" + clean : clean);
        return this;
    }

    /// <summary>The last parameter, always written with its ':' so it may hold spaces or be empty.</summary>
    public IrcLine Trailing(string value)
    {
        _text.Append(" :").Append(Clean(value));
        return this;
    }

    public override string ToString() => _text.ToString();

    public byte[] ToBytes()
    {
        var text = _text.ToString();
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 2];
        var written = Encoding.UTF8.GetBytes(text, bytes);
        bytes[written] = (byte)'\r';
        bytes[written + 1] = (byte)'\n';
        return bytes;
    }

    /// <summary>The UTF-8 bytes of <c>:source COMMAND params :</c> for a text of <paramref name="textBytes"/>: how much of 512 a text may fill.</summary>
    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    private static string Clean(string value)
        => value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0 ? value : value.Replace('\r', ' ').Replace('\n', ' ').Replace('\0', ' ');

    private void AppendEscaped(string value)
    {
        foreach (var c in value)
        {
            _text.Append(c switch
            {
                ';' => "\\:",
                ' ' => "\\s",
                '\\' => "\\\\",
                '\r' => "\\r",
                '\n' => "\\n",
                '\0' => "",
                _ => null,
            } ?? c.ToString());
        }
    }
}
