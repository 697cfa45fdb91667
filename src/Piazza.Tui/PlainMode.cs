using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// <c>--plain</c>: a line-oriented client for scripts and pipes. Each input line is sent to the <c>--room</c> (or run
/// as a command, e.g. <c>/msg USER TEXT</c>), each live event is printed as one line, with the conversation after the
/// time when it is not the <c>--room</c>; stored history is not printed. Exits after the input ends and every send
/// is acknowledged.
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
            return ex.Code is PiazzaException.Unreachable or PiazzaException.TlsFailed ? ExitUnreachable : ExitNameRefused;
        }

        // The event printer and the command loop both add lines; one lock keeps the state and the output whole.
        var printer = new LockedPrinter(output, ConnectedAt(client));
        var room = settings.Room ?? ProtocolConstants.Lobby;
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
            if (!await EnterRoomAsync(client, printer, room, error, cancellationToken).ConfigureAwait(false))
            {
                return ExitUsage;
            }

            var lost = await SendInputAsync(client, printer, input, printing, room, cancellationToken).ConfigureAwait(false);
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
            PiazzaException.TlsFailed => $"piazza: {ex.Message}",
            ErrorCodes.NameTaken => $"piazza: the name '{settings.User}' is taken on {settings.Host}:{settings.Port}; choose another",
            ErrorCodes.BadName => $"piazza: the name '{settings.User}' is not allowed: {ex.Message}",
            ErrorCodes.NameConfusable => $"piazza: the name '{settings.User}' is refused: {ex.Message}",
            ErrorCodes.NameReserved => $"piazza: '{settings.User}' is a registered name; log in with --password (or PIAZZA_PASSWORD)",
            ErrorCodes.AuthFailed => $"piazza: wrong user name or password for '{settings.User}' on {settings.Host}:{settings.Port}",
            ErrorCodes.AuthRequired => $"piazza: {settings.Host}:{settings.Port} does not allow guests; use --password or --register",
            ErrorCodes.RateLimited => $"piazza: too many failed logins: {ex.Message}",
            _ => $"piazza: {settings.Host}:{settings.Port} refused the connection ({ex.Code}): {ex.Message}",
        };
    }

    /// <summary>When the server admitted us (our own entry in welcome's user list), in local time; now if it is missing.</summary>
    private static DateTime ConnectedAt(PiazzaClient client)
    {
        var self = client.Welcome?.Users?.FirstOrDefault(u => string.Equals(u.User, client.Welcome.User, StringComparison.OrdinalIgnoreCase));
        return DateTimeOffset.TryParse(self?.Since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var since)
            ? since.LocalDateTime
            : DateTime.Now;
    }

    /// <summary>Makes <paramref name="room"/> the current conversation, joining it unless welcome says we are in it.</summary>
    private static async Task<bool> EnterRoomAsync(PiazzaClient client, LockedPrinter printer, string room, TextWriter error, CancellationToken cancellationToken)
    {
        var member = client.Welcome?.Rooms?.Any(r => string.Equals(r.Room, room, StringComparison.OrdinalIgnoreCase)) == true
            || (client.Welcome?.Rooms is null && string.Equals(room, ProtocolConstants.Lobby, StringComparison.OrdinalIgnoreCase));
        if (!member)
        {
            try
            {
                await client.JoinAsync(room, cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex)
            {
                await error.WriteLineAsync($"piazza: cannot join '{room}': {ex.Message}").ConfigureAwait(false);
                return false;
            }
        }

        printer.SwitchTo(room);
        return true;
    }

    /// <summary>Sends each input line and awaits its ok; returns why the connection was lost, or null when the input ended.</summary>
    private static async Task<string?> SendInputAsync(PiazzaClient client, LockedPrinter printer, TextReader input, Task printing, string room, CancellationToken cancellationToken)
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
                        await client.SendAsync(send.Text, room, cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Msg msg:
                        await client.SendToAsync(msg.User, msg.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Join join:
                        var joined = await client.JoinAsync(join.Room, cancellationToken).ConfigureAwait(false);
                        room = joined.Room ?? join.Room;
                        printer.SwitchTo(room);
                        break;
                    case ChatCommand.Leave leave:
                        await client.LeaveAsync(leave.Room ?? room, cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Topic topic:
                        await client.SetTopicAsync(room, topic.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Rooms:
                        var rooms = await client.RoomsAsync(cancellationToken).ConfigureAwait(false);
                        printer.AddSystem($"rooms ({rooms.Count}):");
                        foreach (var info in rooms)
                        {
                            printer.AddSystem(ChatCommand.FormatRoom(info));
                        }

                        break;
                    case ChatCommand.Password password:
                        await client.ChangePasswordAsync(password.Current, password.Next, cancellationToken).ConfigureAwait(false);
                        printer.AddSystem("password changed");
                        break;
                    case ChatCommand.Who:
                        var users = await client.WhoAsync(room, cancellationToken).ConfigureAwait(false);
                        printer.AddSystem(ChatCommand.FormatUsers(users.Select(u => u.User)));
                        break;
                    case ChatCommand.Help:
                        printer.AddSystem(ChatCommand.HelpText);
                        break;
                    case ChatCommand.Upload upload:
                        using (var files = client.CreateFileTransfer())
                        {
                            // One line per input line: no progress, the shared message is the confirmation.
                            var uploaded = await files.UploadFileAsync(Path.GetFullPath(upload.Path), cancellationToken: cancellationToken).ConfigureAwait(false);
                            await client.SendFileAsync(uploaded.FileId, room, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case ChatCommand.Download download:
                        using (var files = client.CreateFileTransfer())
                        {
                            var saved = await files.DownloadAsync(download.FileId, download.Destination is { } d ? Path.GetFullPath(d) : Directory.GetCurrentDirectory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                            printer.AddSystem($"saved {saved.Name ?? download.FileId} ({ChatLine.FormatSize(saved.Size)}) to {saved.Path}");
                        }

                        break;
                    case ChatCommand.Cancel:
                        printer.AddError("transfers run one at a time here; nothing to cancel");
                        break;
                    case ChatCommand.Moderate moderate:
                        await client.RequestAsync(moderate.ToFrame(room), cancellationToken).ConfigureAwait(false);
                        printer.AddSystem($"{moderate.Type} {moderate.Target}: done");
                        break;
                    case ChatCommand.Lock lockTopic:
                        await client.RequestAsync(new ClientFrame { Type = FrameTypes.Topic, Room = room, Lock = lockTopic.Locked }, cancellationToken).ConfigureAwait(false);
                        break;
                    case ChatCommand.Delete:
                        printer.AddError("/delete needs the full-screen client (it picks the message from the screen)");
                        break;
                    case ChatCommand.Usage usage:
                        printer.AddError($"usage: {usage.Syntax}");
                        break;
                    case ChatCommand.Open open:
                        printer.AddError($"usage: /msg {open.User} TEXT");
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
            catch (FileTransferException ex)
            {
                printer.AddError(ex.Message);
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
        // A few lines per conversation are enough: lines are printed as they come; the rest only dedupes seqs.
        private readonly ChatState _state = new(maxLines: 200);

        /// <summary>
        /// Prints every live line, and stored ones sent since <paramref name="connectedAt"/>: a message posted while
        /// we were entering a room comes in the room's history, not live, and must not be lost.
        /// </summary>
        public LockedPrinter(TextWriter output, DateTime connectedAt)
            => _state.LineAdded += (conversation, line, history) =>
            {
                if (history && line.Time < connectedAt)
                {
                    return;
                }

                var label = ReferenceEquals(conversation, _state.Current) ? null : conversation.DisplayName;
                output.WriteLine(line.ToPlainString(label));
                output.Flush();
            };

        public void SwitchTo(string room)
        {
            lock (_gate)
            {
                _state.SwitchTo(_state.Ensure(room));
            }
        }

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
