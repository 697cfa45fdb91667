using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// <c>--plain</c>: a line-oriented client for scripts and pipes. Each input line is sent (or run as a command),
/// each event is printed as one line; exits after the input ends and every send is acknowledged.
/// </summary>
internal static class PlainMode
{
    public const int ExitOk = 0;
    public const int ExitNameRefused = 1;
    public const int ExitUnreachable = 2;
    public const int ExitConnectionLost = 3;
    public const int ExitUsage = 64;
    public const int ExitInterrupted = 130;

    /// <summary>Runs the plain client; the writers get complete lines only, and errors go to <paramref name="error"/> as one line.</summary>
    public static async Task<int> RunAsync(ConnectSettings settings, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(settings.User))
        {
            await error.WriteLineAsync("piazza: --plain needs --user NAME").ConfigureAwait(false);
            return ExitUsage;
        }

        // No reconnect: a script should fail loudly rather than silently lose lines across a gap.
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: false));
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PiazzaException ex)
        {
            await error.WriteLineAsync(DescribeConnectFailure(settings, ex)).ConfigureAwait(false);
            return ex.Code == PiazzaException.Unreachable ? ExitUnreachable : ExitNameRefused;
        }

        // The event printer and the command loop both add lines; one lock keeps the state and the output whole.
        var printer = new LockedPrinter(output);
        string? disconnectReason = null;
        client.StateChanged += (state, detail) =>
        {
            if (state == ConnectionState.Disconnected)
            {
                disconnectReason = detail ?? "the server closed the connection";
            }
        };
        var printing = PrintEventsAsync(client, printer);
        try
        {
            var lost = await SendInputAsync(client, printer, input, printing, cancellationToken).ConfigureAwait(false);
            lost ??= disconnectReason;
            if (lost is not null)
            {
                await error.WriteLineAsync($"piazza: connection to {settings.Host}:{settings.Port} lost: {lost}").ConfigureAwait(false);
                return ExitConnectionLost;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitInterrupted;
        }
        finally
        {
            await client.CloseAsync().ConfigureAwait(false);
            await printing.ConfigureAwait(false);
        }

        return ExitOk;
    }

    /// <summary>One line for stderr explaining why connecting failed.</summary>
    public static string DescribeConnectFailure(ConnectSettings settings, PiazzaException ex)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Code switch
        {
            PiazzaException.Unreachable => $"piazza: {ex.Message}",
            ErrorCodes.NameTaken => $"piazza: the name '{settings.User}' is taken on {settings.Host}:{settings.Port}; choose another",
            ErrorCodes.BadName => $"piazza: the name '{settings.User}' is not allowed: {ex.Message}",
            _ => $"piazza: {settings.Host}:{settings.Port} refused the connection ({ex.Code}): {ex.Message}",
        };
    }

    /// <summary>Sends each input line and awaits its ok; returns why the connection was lost, or null when the input ended.</summary>
    private static async Task<string?> SendInputAsync(PiazzaClient client, LockedPrinter printer, TextReader input, Task printing, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Console.In reads synchronously even through ReadLineAsync, so read on the pool: the event stream ends
            // when the connection is lost (no reconnect here), and then we must stop waiting for input.
            var reading = Task.Run(() => input.ReadLineAsync(cancellationToken).AsTask(), cancellationToken);
            if (await Task.WhenAny(reading, printing).ConfigureAwait(false) != reading)
            {
                return "the server closed the connection";
            }

            var line = await reading.ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            try
            {
                switch (ChatCommand.Parse(line))
                {
                    case ChatCommand.Quit:
                        return null;
                    case ChatCommand.Send send:
                        await client.SendAsync(send.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Who:
                        var users = await client.WhoAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                        printer.AddSystem(ChatCommand.FormatUsers(users.Select(u => u.User)));
                        break;
                    case ChatCommand.Help:
                        printer.AddSystem(ChatCommand.HelpText);
                        break;
                    case ChatCommand.Unknown unknown:
                        printer.AddError($"unknown command {unknown.Name}; /help lists commands");
                        break;
                }
            }
            catch (PiazzaException ex) when (ex.Code == PiazzaException.ConnectionLost)
            {
                return ex.Message;
            }
            catch (PiazzaException ex)
            {
                // A refused send (too long, rate limited) is reported but does not end the script.
                printer.AddError($"not sent: {ex.Message}");
            }
        }
    }

    private static async Task PrintEventsAsync(PiazzaClient client, LockedPrinter printer)
    {
        await foreach (var frame in client.Events.ReadAllAsync().ConfigureAwait(false))
        {
            printer.Apply(frame);
        }
    }

    /// <summary>A <see cref="ChatState"/> that prints each line as it is added, safe to call from two tasks.</summary>
    private sealed class LockedPrinter
    {
        private readonly Lock _gate = new();
        private readonly ChatState _state = new(maxLines: 1);

        public LockedPrinter(TextWriter output)
            => _state.LineAdded += (line, _) =>
            {
                output.WriteLine(line.ToPlainString());
                output.Flush();
            };

        public void Apply(ServerFrame frame)
        {
            lock (_gate)
            {
                _state.Apply(frame);
            }
        }

        public void AddSystem(string text)
        {
            lock (_gate)
            {
                _state.AddSystem(text);
            }
        }

        public void AddError(string text)
        {
            lock (_gate)
            {
                _state.AddError(text);
            }
        }
    }
}
