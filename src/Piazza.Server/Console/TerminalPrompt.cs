using System.Globalization;
using System.Text;

namespace Piazza.Server.Console;

/// <summary>
/// The operator's input line on a terminal, kept whole under whatever the server prints (log lines, replies): each
/// write first clears the prompt and the text typed so far, and once the output is back at the start of a line draws
/// them again below it. Keys arrive one at a time with the terminal's echo off (<see cref="TerminalLineReader"/>), so
/// the typed text is known here rather than only to the terminal.
/// </summary>
public sealed class TerminalPrompt
{
    public const string Prompt = "> ";

    private const string EraseToEndOfScreen = "\e[J";

    private readonly Lock _gate = new();
    private readonly TextWriter _terminal;
    private readonly Func<int> _width;
    private readonly StringBuilder _typed = new();

    /// <summary>The console is reading: the prompt belongs on the screen.</summary>
    private bool _active;

    /// <summary>The prompt and the typed text are drawn on the last line(s) of the screen.</summary>
    private bool _shown;

    /// <summary>The last output did not end its line (a partial write); the prompt waits for the newline.</summary>
    private bool _midLine;

    /// <param name="terminal">
    /// The real standard output, written only under this prompt's lock: not <c>Console.Out</c>'s own writer, which
    /// takes the lock on <c>Console.Out</c> inside ours while a log line holds that one first and waits for ours.
    /// </param>
    /// <param name="width">The terminal's width in columns now (it may be resized).</param>
    public TerminalPrompt(TextWriter terminal, Func<int> width)
    {
        _terminal = terminal;
        _width = width;
        Output = new PromptKeepingWriter(this, terminal.Encoding);
    }

    /// <summary>Where everything else the server prints must go (<c>Console.SetOut</c>), so no write lands inside the typed line.</summary>
    public TextWriter Output { get; }

    /// <summary>What has been typed on the current line so far.</summary>
    public string Typed
    {
        get
        {
            lock (_gate)
            {
                return _typed.ToString();
            }
        }
    }

    /// <summary>Shows the prompt; from now on output is written above it.</summary>
    public void Activate()
    {
        lock (_gate)
        {
            _active = true;
            Draw();
            _terminal.Flush();
        }
    }

    /// <summary>Takes the prompt off the screen for good (the server is stopping, or input ended).</summary>
    public void Deactivate()
    {
        lock (_gate)
        {
            Erase();
            _active = false;
            _terminal.Flush();
        }
    }

    /// <summary>
    /// Applies one key: returns the line when Enter completes it, else null. Ctrl+D on an empty line ends the input
    /// (<paramref name="endOfInput"/>), as it does for a terminal in line mode.
    /// </summary>
    public string? OnKey(ConsoleKeyInfo key, out bool endOfInput)
    {
        endOfInput = false;
        lock (_gate)
        {
            if (!_active)
            {
                return null;
            }

            if (_midLine)
            {
                // Output that never ended its line: typing starts a line of its own.
                _terminal.Write('\n');
                _midLine = false;
            }

            switch (key.KeyChar)
            {
                case '\r' or '\n':
                    // The line stays on the screen as typed, as in a shell; the next prompt goes below it.
                    var line = _typed.ToString();
                    Draw();
                    _typed.Clear();
                    _terminal.Write('\n');
                    _shown = false;
                    Draw();
                    _terminal.Flush();
                    return line;
                case '\b' or '\x7f':
                    RemoveLast(untilSpace: false);
                    break;
                case '\x17': // Ctrl+W: the last word
                    RemoveLast(untilSpace: true);
                    break;
                case '\x15': // Ctrl+U: the whole line
                    _typed.Clear();
                    break;
                case '\x04' when _typed.Length == 0:
                    Erase();
                    _active = false;
                    _terminal.Flush();
                    endOfInput = true;
                    return null;
                case var c when !char.IsControl(c) && c != '\0':
                    _typed.Append(c);
                    break;
                default:
                    return null; // arrows, function keys and other control keys edit nothing here
            }

            Erase();
            Draw();
            _terminal.Flush();
            return null;
        }
    }

    /// <summary>Writes <paramref name="text"/> above the prompt, then draws the prompt again once the output has ended its line.</summary>
    internal void Write(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            Erase();
            _terminal.Write(text);
            _midLine = text[^1] != '\n';
            Draw();
            _terminal.Flush();
        }
    }

    internal void Flush()
    {
        lock (_gate)
        {
            _terminal.Flush();
        }
    }

    private void RemoveLast(bool untilSpace)
    {
        var text = _typed.ToString();
        var end = text.Length;
        if (untilSpace)
        {
            while (end > 0 && text[end - 1] == ' ')
            {
                end--;
            }

            while (end > 0 && text[end - 1] != ' ')
            {
                end--;
            }
        }
        else if (end > 0)
        {
            // One user-perceived character: an emoji or an accented letter is one Backspace, as the terminal drew it.
            var elements = StringInfo.ParseCombiningCharacters(text);
            end = elements[^1];
        }

        _typed.Length = end;
    }

    private void Draw()
    {
        if (!_active || _shown || _midLine)
        {
            return;
        }

        _terminal.Write(Prompt);
        _terminal.Write(_typed);
        _shown = true;
    }

    /// <summary>Clears the prompt and the typed text, which may have wrapped over several rows, leaving the cursor where the prompt began.</summary>
    private void Erase()
    {
        if (!_shown)
        {
            return;
        }

        var columns = Prompt.Length + _typed.ToString().EnumerateRunes().Count();
        var width = Math.Max(1, _width());
        var rowsUp = (columns - 1) / width;
        _terminal.Write(rowsUp > 0 ? $"\r\e[{rowsUp}A{EraseToEndOfScreen}" : $"\r{EraseToEndOfScreen}");
        _shown = false;
    }

    /// <summary>A writer that hands every write to the prompt, so output and typing never mix.</summary>
    private sealed class PromptKeepingWriter(TerminalPrompt prompt, Encoding encoding) : TextWriter(CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => encoding;

        public override void Write(char value) => prompt.Write([value]);

        public override void Write(string? value) => prompt.Write(value);

        public override void Write(char[] buffer, int index, int count) => prompt.Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> buffer) => prompt.Write(buffer);

        public override void WriteLine(string? value) => prompt.Write(value + NewLine);

        public override void Flush() => prompt.Flush();

        public override Task WriteAsync(char value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task FlushAsync() => Task.CompletedTask;

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
