using Piazza.Client;

namespace Piazza.Tui;

/// <summary>
/// Runs what the user typed: parses it (<see cref="ChatCommand"/>), calls the client library and records the outcome
/// in the <see cref="ChatState"/> (answers as notices, failures as error lines). The one command executor of the
/// window and <c>--plain</c>; protocol details stay in the client library.
/// </summary>
internal sealed partial class ChatController(PiazzaClient client, ChatState state, IChatHost host) : IDisposable
{
    /// <summary>Messages asked for per scrollback step: a few screens, one round trip.</summary>
    private const int OlderPageSize = 50;

    /// <summary>Rooms shown per /rooms page: a screenful or two.</summary>
    private const int RoomsPageSize = 50;

    /// <summary>Where /rooms more continues: the last page's cursor, null when it was the last page.</summary>
    private string? _nextRoomsPage;

    /// <summary>How long an older-history request may take before scrolling up may ask again.</summary>
    private static readonly TimeSpan HistoryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs one input line; completes when its request is answered (failures are already shown as error lines).</summary>
    public async Task<CommandResult> RunAsync(string? input, CancellationToken cancellationToken = default)
    {
        var command = ChatCommand.Parse(input);
        var (conversation, self, canModerate) = host.Read(() => (state.Current, state.Self, state.CanModerate(state.Current)));
        switch (command)
        {
            case ChatCommand.Send send:
                return await SendAsync(conversation, send.Text, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Msg msg:
                return await AttemptAsync($"/msg {msg.User} failed", async () =>
                {
                    var sent = await client.SendPrivateAsync(msg.User, msg.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (host.ShowsPrivateConversations)
                    {
                        host.Post(() => state.SwitchTo(state.Ensure(sent.Conversation, msg.User)));
                    }
                }).ConfigureAwait(false);
            case ChatCommand.MsgGroup group:
                return await MessageGroupAsync(group, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Join join:
                return await AttemptAsync($"/join {join.Room} failed", async () =>
                {
                    // Read before the request (still on the caller's thread): /join of a room we are in only switches to it.
                    var alreadyIn = state.Find(join.Room) is { } known && known.Users.Contains(state.Self);
                    var room = await client.JoinAsync(join.Room, cancellationToken).ConfigureAwait(false);
                    host.Post(() =>
                    {
                        state.SwitchTo(state.Ensure(room));
                        if (!alreadyIn)
                        {
                            state.AddSystem($"you joined {state.Current.DisplayName}");
                        }
                    });
                }).ConfigureAwait(false);
            case ChatCommand.SendTo sendTo:
                return await AttemptAsync($"not sent to {sendTo.Room}: {Shorten(sendTo.Text)}", () => client.SendAsync(sendTo.Room, sendTo.Text, cancellationToken: cancellationToken)).ConfigureAwait(false);
            case ChatCommand.ClosePrivate close:
                host.Post(() =>
                {
                    if (state.FindPrivate(close.User) is { } existing)
                    {
                        state.Remove(existing.Id);
                    }
                    else
                    {
                        state.AddError($"no conversation with {close.User} to close");
                    }
                });
                return CommandResult.Done;
            case ChatCommand.Leave leave:
                return await LeaveAsync(leave.Room is null ? conversation : host.Read(() => state.Find(leave.Room)), leave.Room, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Who:
                return await WhoAsync(conversation, self, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Rooms { More: true } when _nextRoomsPage is null:
                return Error("no more rooms: /rooms lists them from the start");
            case ChatCommand.Rooms rooms:
                return await AttemptAsync("/rooms failed", async () =>
                {
                    // A server may have many thousands of rooms: one page at a time, /rooms more for the next.
                    var page = await client.RoomsPageAsync(rooms.More ? _nextRoomsPage : null, RoomsPageSize, cancellationToken).ConfigureAwait(false);
                    _nextRoomsPage = page.Next;
                    host.Post(() =>
                    {
                        state.AddSystem(page.Next is null ? $"rooms ({page.Rooms.Count}):" : $"rooms ({page.Rooms.Count}, more with /rooms more):");
                        foreach (var room in page.Rooms)
                        {
                            state.AddSystem(ChatCommand.FormatRoom(room));
                        }
                    });
                }).ConfigureAwait(false);
            case ChatCommand.Topic or ChatCommand.ShowTopic when conversation.IsPrivate:
                return Error("/topic works in rooms only");
            case ChatCommand.ShowTopic:
                host.Post(() =>
                {
                    state.AddSystem(string.IsNullOrEmpty(conversation.Topic)
                        ? $"{conversation.DisplayName} has no topic; /topic TEXT sets one"
                        : $"topic of {conversation.DisplayName}: {conversation.Topic}");
                    if (ChatState.DescribeRetention(conversation) is { } retention)
                    {
                        state.AddSystem(retention);
                    }
                });
                return CommandResult.Done;
            case ChatCommand.TokenCommand token:
                return await TokensAsync(token, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Search search:
                return await SearchAsync(search.Query, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Away away:
                return await AttemptAsync("/away failed", () => client.SetAwayAsync(away.Text, cancellationToken)).ConfigureAwait(false);
            case ChatCommand.Topic topic:
                return await AttemptAsync("/topic failed", () => client.SetTopicAsync(conversation.Id, topic.Text, cancellationToken)).ConfigureAwait(false);
            case ChatCommand.Open open:
                host.Post(() =>
                {
                    if (state.FindPrivate(open.User) is { } existing)
                    {
                        state.SwitchTo(existing);
                    }
                    else
                    {
                        state.AddError($"no conversation with {open.User} yet: /msg {open.User} TEXT starts one");
                    }
                });
                return CommandResult.Done;
            case ChatCommand.Password password:
                return await AttemptAsync("/password failed", async () =>
                {
                    await client.ChangePasswordAsync(password.Current, password.Next, cancellationToken).ConfigureAwait(false);
                    host.Post(() => state.AddSystem("password changed; other sessions must log in again"));
                }).ConfigureAwait(false);
            case ChatCommand.Upload upload:
                return await UploadAsync(conversation, upload.Path, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Download download:
                return await DownloadAsync(download.FileId, download.Destination, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Cancel:
                host.Post(() =>
                {
                    if (!Transfers.CancelAll())
                    {
                        state.AddSystem("no transfer is running");
                    }
                });
                return CommandResult.Done;
            case ChatCommand.Moderate moderate when conversation.IsPrivate && !moderate.ServerWide:
                return Error($"/{moderate.Verb} works in rooms only");
            case ChatCommand.Moderate moderate:
                return await AttemptAsync($"/{moderate.Verb} {moderate.Target} failed", async () =>
                {
                    await ModerateAsync(moderate, conversation.Id, cancellationToken).ConfigureAwait(false);
                    host.Post(() => state.AddSystem($"{moderate.Verb} {moderate.Target}: done"));
                }).ConfigureAwait(false);
            case ChatCommand.Invite or ChatCommand.MakePrivate or ChatCommand.CreatePrivate:
                return await PrivateRoomAsync(command, conversation, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Lock when conversation.IsPrivate:
                return Error("/lock works in rooms only");
            case ChatCommand.Lock lockTopic:
                return await AttemptAsync(lockTopic.Locked ? "/lock failed" : "/unlock failed", () => client.LockTopicAsync(conversation.Id, lockTopic.Locked, cancellationToken)).ConfigureAwait(false);
            case ChatCommand.Edit edit:
                return await EditAsync(conversation, self, edit, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Reply reply:
                return await ReplyAsync(conversation, reply, cancellationToken).ConfigureAwait(false);
            case ChatCommand.React react:
                return await ReactAsync(conversation, react, cancellationToken).ConfigureAwait(false);
            case PinsCommand or PinCommand:
                return await PinsAsync(command, conversation, cancellationToken).ConfigureAwait(false);
            case ChatCommand.Delete delete:
                var target = host.Read(() => conversation.LatestMessageFrom(delete.User ?? self));
                return target?.MessageId is { } messageId
                    ? await AttemptAsync("/delete failed", () => client.DeleteMessageAsync(conversation.Id, messageId, cancellationToken)).ConfigureAwait(false)
                    : Error(delete.User is null ? "no message of yours to delete here" : $"no message from {delete.User} to delete here");
            case ChatCommand.Help { Command: { } name }:
                return CommandCatalog.Find(name) is { } info
                    ? System(info.Describe())
                    : Error($"no command /{name}; /help lists them");
            case ChatCommand.Help:
                host.Post(() =>
                {
                    state.AddSystem(ChatCommand.HelpText);
                    if (canModerate)
                    {
                        state.AddSystem(ChatCommand.ModerationHelpText);
                    }

                    foreach (var line in host.ExtraHelp)
                    {
                        state.AddSystem(line);
                    }
                });
                return CommandResult.Done;
            case ChatCommand.Quit:
                return new CommandResult(Quit: true);
            case ChatCommand.Usage usage:
                return Error($"usage: {usage.Syntax}");
            case ChatCommand.Refused refused:
                return Error(refused.Reason);
            case ChatCommand.Unknown { Suggestion: { } suggestion } unknown:
                return Error($"unknown command {unknown.Name}: did you mean {suggestion.Syntax}? /help lists commands");
            case ChatCommand.Unknown unknown:
                return Error($"unknown command {unknown.Name}; /help lists commands");
            default:
                return CommandResult.Done;
        }
    }

    /// <summary>Asks for the messages before the oldest one shown, unless there are none or a request is on its way.</summary>
    public void LoadOlder(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (!conversation.HasOlder || conversation.LoadingOlder || conversation.OldestSeq is not { } oldest)
        {
            return;
        }

        conversation.LoadingOlder = true;
        _ = LoadOlderAsync(conversation, oldest);
    }

    private async Task LoadOlderAsync(ConversationState conversation, long before)
    {
        try
        {
            using var timeout = new CancellationTokenSource(HistoryTimeout);
            var messages = await client.HistoryAsync(conversation.Id, before: before, limit: OlderPageSize, cancellationToken: timeout.Token).ConfigureAwait(false);
            host.Post(() => state.AddHistory(conversation.Id, messages));
        }
        catch (OperationCanceledException)
        {
            // No answer in time: allow asking again.
            host.Post(() => conversation.LoadingOlder = false);
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException)
        {
            host.Post(() =>
            {
                conversation.LoadingOlder = false;
                state.AddError($"older messages not loaded: {ex.Message}");
            });
        }
    }

    private Task ModerateAsync(ChatCommand.Moderate moderate, string room, CancellationToken cancellationToken)
    {
        var where = moderate.ServerWide ? null : room;
        var (target, duration, reason) = (moderate.Target, moderate.Duration, moderate.Reason);
        return moderate.Action switch
        {
            ModerationAction.Kick => client.KickAsync(where, target, reason, cancellationToken),
            ModerationAction.Ban when moderate.TargetIsAddress => client.BanAddressAsync(target, duration, reason, cancellationToken),
            ModerationAction.Ban => client.BanAsync(where, target, duration, reason, cancellationToken),
            ModerationAction.Unban when moderate.TargetIsAddress => client.UnbanAddressAsync(target, cancellationToken),
            ModerationAction.Unban => client.UnbanAsync(where, target, cancellationToken),
            ModerationAction.Mute => client.MuteAsync(room, target, duration, reason, cancellationToken),
            ModerationAction.Unmute => client.UnmuteAsync(room, target, cancellationToken),
            ModerationAction.Op or ModerationAction.Deop => client.SetModeratorAsync(room, target, moderate.Action == ModerationAction.Op, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(moderate), moderate.Action, "unknown moderation action"),
        };
    }

    private async Task<CommandResult> LeaveAsync(ConversationState? conversation, string? named, CancellationToken cancellationToken)
    {
        if (conversation is { IsPrivate: true })
        {
            // Private conversations have no membership: closing one only removes it from the list.
            host.Post(() => state.Remove(conversation.Id));
            return CommandResult.Done;
        }

        var room = conversation?.Id ?? named!;
        return await AttemptAsync($"/leave {room} failed", async () =>
        {
            await client.LeaveAsync(room, cancellationToken).ConfigureAwait(false);
            host.Post(() => state.Remove(room));
        }).ConfigureAwait(false);
    }

    private async Task<CommandResult> WhoAsync(ConversationState conversation, string self, CancellationToken cancellationToken)
    {
        if (conversation.IsPrivate)
        {
            host.Post(() => state.AddSystem(ChatCommand.FormatUsers(conversation.PrivateUsers(self))));
            return CommandResult.Done;
        }

        return await AttemptAsync("/who failed", async () =>
        {
            var users = await client.WhoAsync(conversation.Id, cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                state.SetUsers(conversation, users.Select(u => u.Name));
                state.AddSystem(ChatCommand.FormatUsers(users.Select(u => u.Name)));
            });
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a request; a failure becomes an error line, and a lost connection is also reported to the caller.</summary>
    private async Task<CommandResult> AttemptAsync(string failure, Func<Task> request)
    {
        try
        {
            await request().ConfigureAwait(false);
            return CommandResult.Done;
        }
        catch (PiazzaException ex) when (ex.Failure is PiazzaFailure.ConnectionLost or PiazzaFailure.Closed)
        {
            Error($"{failure} ({ex.Message})");
            return new CommandResult(ConnectionLost: ex.Message);
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException)
        {
            return Error($"{failure} ({ex.Message})");
        }
    }

    private CommandResult System(string text)
    {
        host.Post(() => state.AddSystem(text));
        return CommandResult.Done;
    }

    private CommandResult Error(string text)
    {
        host.Post(() => state.AddError(text));
        return CommandResult.Done;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
