using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// <c>--plain</c>: a line-oriented client for scripts and pipes. Each input line is sent to the <c>--room</c> (or run
/// as a command, e.g. <c>/msg USER TEXT</c>), each event is printed as one line, with the conversation after the
/// time when it is not the <c>--room</c>; stored history from before the session is not printed (what was missed
/// since is, labelled the same way). Exits after the input ends and every send is acknowledged.
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

        // One server: no reconnect, a script fails loudly rather than wait for a server that may not return. Several
        // (a cluster): fail over to the next and resume (gapless, by seq), giving up after a few failed rounds.
        var failover = settings.Servers.Count > 1;
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: failover, failover ? ConnectSettings.PlainReconnectRounds : null));
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PiazzaException ex)
        {
            await error.WriteLineAsync(PrintableText.Escape(DescribeConnectFailure(settings, ex))).ConfigureAwait(false);
            return ex.Failure is PiazzaFailure.Unreachable or PiazzaFailure.TlsFailed ? ExitUnreachable : ExitNameRefused;
        }

        // The event printer and the command loop both touch the state; the host's lock keeps the state and the output whole.
        var host = new PlainHost(output, ConnectedAt(client));
        using var controller = new ChatController(client, host.State, host);
        var room = settings.Room ?? ProtocolConstants.Lobby;

        // The welcome is queued before ConnectAsync returns: apply it first, so that it cannot switch the conversation
        // back to the lobby after the --room is entered below.
        while (client.Events.TryRead(out var early))
        {
            host.Post(() => host.State.Apply(early));
            if (early is Welcomed)
            {
                break;
            }
        }

        // Lines are labelled by how their conversation relates to the current one (the --room): make it current
        // before any replayed message is printed, so history and live lines are labelled alike.
        host.Post(() => host.State.SwitchTo(host.State.Ensure(room)));

        var printing = PrintEventsAsync(client, host);
        try
        {
            if (!await EnterRoomAsync(client, host, room, error, cancellationToken).ConfigureAwait(false))
            {
                return ExitUsage;
            }

            var lost = await RunInputAsync(controller, input, printing, cancellationToken).ConfigureAwait(false);
            if (lost is null && client.State == ConnectionState.Disconnected)
            {
                await printing.ConfigureAwait(false); // the stream ends right after the state change that says why
                lost = host.Read(() => host.State.ConnectionDetail) ?? "the server closed the connection";
            }
            else if (lost is not null && client.State == ConnectionState.Disconnected)
            {
                await printing.ConfigureAwait(false);
                lost = host.Read(() => host.State.ConnectionDetail) ?? lost; // e.g. why failing over gave up, or who kicked us
            }

            if (host.Read(() => host.State.RemovedFromServer) is { } removed)
            {
                await error.WriteLineAsync(PrintableText.Escape($"piazza: {removed}")).ConfigureAwait(false);
                return ExitConnectionLost;
            }

            if (lost is not null)
            {
                await error.WriteLineAsync(PrintableText.Escape($"piazza: connection to {settings.ServerList} lost: {lost}")).ConfigureAwait(false);
                return ExitConnectionLost;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitInterrupted;
        }
        finally
        {
            await client.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            await printing.ConfigureAwait(false);
        }

        return ExitOk;
    }

    /// <summary>One line for stderr explaining why connecting failed.</summary>
    public static string DescribeConnectFailure(ConnectSettings settings, PiazzaException ex)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Failure is PiazzaFailure.Unreachable or PiazzaFailure.TlsFailed)
        {
            return $"piazza: {ex.Message}";
        }

        return ex.Code switch
        {
            ErrorCode.NameTaken => $"piazza: the name '{settings.User}' is taken on {settings.ServerList}; choose another",
            ErrorCode.BadName => $"piazza: the name '{settings.User}' is not allowed: {ex.Message}",
            ErrorCode.NameConfusable => $"piazza: the name '{settings.User}' is refused: {ex.Message}",
            ErrorCode.NameReserved => $"piazza: '{settings.User}' is a registered name; log in with --password (or PIAZZA_PASSWORD)",
            ErrorCode.AuthFailed => $"piazza: wrong user name or password for '{settings.User}' on {settings.ServerList}",
            ErrorCode.AuthRequired => $"piazza: {settings.ServerList} does not allow guests; use --password or --register",
            ErrorCode.RateLimited => $"piazza: {settings.ServerList} asks to wait before logging in: {ex.Message}",
            _ => $"piazza: {settings.ServerList} refused the connection ({ex.WireCode}): {ex.Message}",
        };
    }

    /// <summary>When the server admitted us (our own entry in welcome's user list), in local time; now if it is missing.</summary>
    private static DateTime ConnectedAt(PiazzaClient client)
    {
        var self = client.Welcome?.Online.FirstOrDefault(m => string.Equals(m.Name, client.Welcome.User, StringComparison.OrdinalIgnoreCase));
        return self?.Since?.LocalDateTime ?? DateTime.Now;
    }

    /// <summary>Makes <paramref name="room"/> the current conversation, joining it unless welcome says we are in it.</summary>
    private static async Task<bool> EnterRoomAsync(PiazzaClient client, PlainHost host, string room, TextWriter error, CancellationToken cancellationToken)
    {
        var member = client.Welcome?.Rooms.Contains(room, StringComparer.OrdinalIgnoreCase) == true
            || (client.Welcome?.Rooms is not { Count: > 0 } && string.Equals(room, ProtocolConstants.Lobby, StringComparison.OrdinalIgnoreCase));
        if (!member)
        {
            try
            {
                room = await client.JoinAsync(room, cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex)
            {
                await error.WriteLineAsync(PrintableText.Escape($"piazza: cannot join '{room}': {ex.Message}")).ConfigureAwait(false);
                return false;
            }
        }

        host.Post(() => host.State.SwitchTo(host.State.Ensure(room)));
        return true;
    }

    /// <summary>Runs each input line and awaits its answer; returns why the connection was lost, or null when the input ended.</summary>
    private static async Task<string?> RunInputAsync(ChatController controller, TextReader input, Task printing, CancellationToken cancellationToken)
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

            var result = await controller.RunAsync(line, cancellationToken).ConfigureAwait(false);
            if (result.Quit || result.ConnectionLost is not null)
            {
                return result.ConnectionLost;
            }
        }
    }

    private static async Task PrintEventsAsync(PiazzaClient client, PlainHost host)
    {
        await foreach (var e in client.Events.ReadAllAsync().ConfigureAwait(false))
        {
            host.Post(() => host.State.Apply(e));
        }
    }

    /// <summary>
    /// The <c>--plain</c> view: a <see cref="ChatState"/> that prints each line as it is added, guarded by one lock
    /// because the event printer and the command loop both use it.
    /// </summary>
    private sealed class PlainHost : IChatHost
    {
        private readonly Lock _gate = new();

        /// <summary>
        /// Prints every live line, and stored ones sent since <paramref name="connectedAt"/>: a message posted while
        /// we were entering a room comes in the room's history, not live, and must not be lost.
        /// </summary>
        public PlainHost(TextWriter output, DateTime connectedAt)
            => State.LineAdded += (conversation, line, history) =>
            {
                if (history && line.Time < connectedAt)
                {
                    return;
                }

                var label = ReferenceEquals(conversation, State.Current) ? null : conversation.DisplayName;
                if (line.Quote is { } quote)
                {
                    output.WriteLine("         " + Piazza.Protocol.PrintableText.Escape(quote));
                }

                output.WriteLine(line.ToPlainString(label));
                output.Flush();
            };

        // A few lines per conversation are enough: lines are printed as they come; the rest only dedupes seqs.
        public ChatState State { get; } = new(maxLines: 200);

        public bool ShowsPrivateConversations => false;

        public IReadOnlyList<string> ExtraHelp => [];

        public void Post(Action change)
        {
            lock (_gate)
            {
                change();
            }
        }

        public T Read<T>(Func<T> read)
        {
            lock (_gate)
            {
                return read();
            }
        }
    }
}
