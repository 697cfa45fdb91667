using System.Threading.Channels;

namespace Piazza.Server.Console;

/// <summary>
/// The operator's lines from a terminal, read key by key into a <see cref="TerminalPrompt"/> (echo off) so the prompt
/// can keep the typed text whole under log lines. Reading a key blocks and cannot be cancelled, so one background
/// thread reads for the life of the process; a cancelled <see cref="ReadLineAsync(CancellationToken)"/> just stops waiting.
/// </summary>
public sealed class TerminalLineReader : TextReader
{
    private readonly TerminalPrompt _prompt;
    private readonly Func<ConsoleKeyInfo> _readKey;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Lazy<Thread> _keys;

    public TerminalLineReader(TerminalPrompt prompt, Func<ConsoleKeyInfo> readKey)
    {
        _prompt = prompt;
        _readKey = readKey;
        _keys = new Lazy<Thread>(() =>
        {
            var thread = new Thread(ReadKeys) { IsBackground = true, Name = "operator console keys" };
            thread.Start();
            return thread;
        });
    }

    /// <summary>
    /// Takes over standard output and input when both are a terminal: the writer that keeps the prompt becomes
    /// <c>Console.Out</c> (loggers made afterwards write through it) and keys are read with the echo off. Null otherwise.
    /// </summary>
    public static TerminalLineReader? AttachToTerminal()
    {
        if (System.Console.IsInputRedirected || System.Console.IsOutputRedirected)
        {
            return null;
        }

        // The prompt writes to standard output through a stream of its own: the console's writer locks Console.Out
        // (our writer once SetOut) under the prompt's lock, while a log line takes them in the other order: a deadlock.
        var stdout = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        var prompt = new TerminalPrompt(new StreamWriter(stdout, new System.Text.UTF8Encoding(false), bufferSize: 4096), TerminalWidth);
        System.Console.SetOut(prompt.Output);
        return new TerminalLineReader(prompt, () => System.Console.ReadKey(intercept: true));
    }

    public TerminalPrompt Prompt => _prompt;

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _ = _keys.Value;
        try
        {
            return await _lines.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private void ReadKeys()
    {
        _prompt.Activate();
        try
        {
            while (true)
            {
                var line = _prompt.OnKey(_readKey(), out var endOfInput);
                if (endOfInput)
                {
                    break;
                }

                if (line is not null)
                {
                    _lines.Writer.TryWrite(line);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // the terminal went away (stdin closed): the console ends, the server goes on
            _prompt.Deactivate();
        }

        _lines.Writer.TryComplete();
    }

    private static int TerminalWidth()
    {
        try
        {
            return System.Console.WindowWidth is > 0 and var width ? width : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
