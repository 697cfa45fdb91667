using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>Messages: sending (durable before acknowledged, idempotent by client id), history, and attaching.</summary>
public sealed partial class ChatHub
{
    /// <summary>Messages read from the store per history frame while a connection catches up.</summary>
    private const int CatchUpPage = 200;

    /// <summary>
    /// Sends a message to a room the user is in (<paramref name="room"/>) or to a user (<paramref name="to"/>).
    /// Completes as soon as the message has its seq (so a door can read the client's next frame and keep the
    /// client's order); the returned <see cref="PendingSend.Completion"/> completes once it is durable and delivered.
    /// A repeated <paramref name="clientId"/> from the same account yields the original message, not a new one.
    /// </summary>
    public async Task<HubResult<PendingSend>> SendAsync(ChatSession session, string? room, string? to, string? text, string? clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new HubError(ErrorCode.BadRequest, "\"text\" must be a non-empty string");
        }

        return await SendCoreAsync(session, room, to, text, null, clientId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a checked text (empty only with a file) and an optional file the sender may share.</summary>
    private async Task<HubResult<PendingSend>> SendCoreAsync(ChatSession session, string? room, string? to, string text, FileAttachment? file, string? clientId, CancellationToken cancellationToken)
    {
        if (text.Length > _options.MaxMessageChars)
        {
            return new HubError(ErrorCode.TooLarge, $"messages are at most {_options.MaxMessageChars} characters");
        }

        if (!UnicodeHygiene.CheckText(text, allowNewlines: true, out var textProblem))
        {
            return new HubError(ErrorCode.BadText, textProblem);
        }

        if (Flood.TryAcquireMessage(session) is { } throttled)
        {
            return throttled;
        }

        var user = session.User;
        Conversation conversation;
        string? recipient = null;
        if (to is not null)
        {
            var target = await ResolveRecipientAsync(to, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return new HubError(ErrorCode.NoSuchUser, $"there is no user '{to}'");
            }

            recipient = target.Value.Name;
            conversation = (await LoadAsync(DirectConversationId.For(user.Key, target.Value.Key)).ConfigureAwait(false))!;
            AttachParticipants((DirectConversation)conversation);
        }
        else
        {
            var resolved = await ResolveRoomAsync(session, room ?? LobbyName).ConfigureAwait(false);
            if (!resolved.Succeeded)
            {
                return resolved.Error!;
            }

            conversation = resolved.Value!;
        }

        if (MuteError(user, conversation) is { } muted)
        {
            return muted;
        }

        TaskCompletionSource<MessageEvent>? claim = null;
        if (clientId is not null && user.IsRegistered)
        {
            var earlier = await FindEarlierSendAsync(user, clientId, cancellationToken).ConfigureAwait(false);
            if (earlier.Duplicate is { } duplicate)
            {
                return HubResult<PendingSend>.Ok(new PendingSend(AwaitDuplicateAsync(duplicate)));
            }

            claim = earlier.Claim;
        }

        if (_log.HasFailed || _shuttingDown)
        {
            var error = new HubError(ErrorCode.ServerError, _shuttingDown ? "the server is shutting down" : "messages cannot be stored right now");
            ReleaseClaim(user, clientId, claim, null);
            return error;
        }

        session.CountMessage();
        var now = _time.GetUtcNow();
        Task<MessageEvent> durable = null!;
        conversation.Assign(
            seq => new MessageEvent(Guid.CreateVersion7(now).ToString("N"), seq, conversation.Key, conversation.Name, user.Name, recipient, text, now, file),
            message => durable = _log.Append(conversation, message, user.IsRegistered ? user.Key : null, user.IsRegistered ? clientId : null));
        return HubResult<PendingSend>.Ok(new PendingSend(AwaitDurableAsync(durable, user, clientId, claim)));
    }

    private async Task<HubResult<SendOutcome>> AwaitDurableAsync(Task<MessageEvent> durable, ChatUser user, string? clientId, TaskCompletionSource<MessageEvent>? claim)
    {
        try
        {
            var message = await durable.ConfigureAwait(false);
            ReleaseClaim(user, clientId, claim, message);
            return HubResult<SendOutcome>.Ok(new SendOutcome(message, Duplicate: false));
        }
        catch (InvalidOperationException)
        {
            ReleaseClaim(user, clientId, claim, null);
            return new HubError(ErrorCode.ServerError, "the message could not be stored; it was not sent");
        }
    }

    private static async Task<HubResult<SendOutcome>> AwaitDuplicateAsync(Task<MessageEvent> original)
    {
        try
        {
            return HubResult<SendOutcome>.Ok(new SendOutcome(await original.ConfigureAwait(false), Duplicate: true));
        }
        catch (InvalidOperationException)
        {
            return new HubError(ErrorCode.ServerError, "the earlier send with this id failed; send again with a new id");
        }
    }

    /// <summary>Sends an announcement from <see cref="ServerName"/> to the lobby; completes when it is durable.</summary>
    public async Task<MessageEvent?> AnnounceAsync(string text)
    {
        if (await LoadAsync(LobbyName).ConfigureAwait(false) is not ChatRoom lobby || _log.HasFailed)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        Task<MessageEvent> durable = null!;
        lobby.Assign(
            seq => new MessageEvent(Guid.CreateVersion7(now).ToString("N"), seq, lobby.Key, lobby.Name, ServerName, null, text, now),
            message => durable = _log.Append(lobby, message, null, null));
        try
        {
            return await durable.ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads stored messages of a room the user is in, or of the private conversation with <paramref name="with"/>:
    /// those after <paramref name="after"/>, or before <paramref name="before"/> (default: the latest).
    /// </summary>
    public async Task<HubResult<HistoryEvent>> HistoryAsync(ChatSession session, string? room, string? with, long? before, long? after, int? limit, string? requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var count = limit ?? _options.HistoryOnJoin;
        if (count is < 1 or > MaxHistoryLimit)
        {
            return new HubError(ErrorCode.BadRequest, $"\"limit\" must be 1 to {MaxHistoryLimit}");
        }

        if (before is not null && after is not null)
        {
            return new HubError(ErrorCode.BadRequest, "give \"before\" or \"after\", not both");
        }

        Conversation conversation;
        if (with is not null || (room is not null && DirectConversationId.IsDirect(room)))
        {
            var key = with is not null ? null : room!.ToLowerInvariant();
            if (with is not null)
            {
                var target = await ResolveRecipientAsync(with, cancellationToken).ConfigureAwait(false);
                if (target is null)
                {
                    return new HubError(ErrorCode.NoSuchUser, $"there is no user '{with}'");
                }

                key = DirectConversationId.For(session.User.Key, target.Value.Key);
            }

            if (!DirectConversationId.TryParse(key!, out var a, out var b) || (a != session.User.Key && b != session.User.Key))
            {
                return new HubError(ErrorCode.Forbidden, "that conversation is not yours");
            }

            conversation = (await LoadAsync(key!).ConfigureAwait(false))!;
        }
        else
        {
            var resolved = await ResolveRoomAsync(session, room ?? LobbyName).ConfigureAwait(false);
            if (!resolved.Succeeded)
            {
                return resolved.Error!;
            }

            conversation = resolved.Value!;
        }

        // Only what has been delivered live, so history and live messages never disagree.
        var delivered = conversation.LastDelivered;
        var stored = after is not null
            ? await _store.ReadAfterAsync(conversation.Key, Math.Max(0, after.Value), count, cancellationToken).ConfigureAwait(false)
            : await _store.ReadBeforeAsync(conversation.Key, Math.Min(before ?? long.MaxValue, delivered + 1), count, cancellationToken).ConfigureAwait(false);
        var messages = stored.Where(m => m.Seq <= delivered).Select(m => ToEvent(m, conversation)).ToList();
        return HubResult<HistoryEvent>.Ok(new HistoryEvent(conversation.Name, messages, requestId));
    }

    /// <summary>
    /// Attaches a connection to a conversation so that it receives everything after <paramref name="afterSeq"/>
    /// (default: the last <see cref="ChatHubOptions.HistoryOnJoin"/> messages) and then live messages, with no gap
    /// and no duplicate. Older messages come from the store in pages; the last stretch and the switch to live happen
    /// under the conversation's lock.
    /// </summary>
    private async Task AttachAsync(ChatSession session, Conversation conversation, long? afterSeq, CancellationToken cancellationToken)
    {
        if (Array.IndexOf(conversation.Subscribers, session) >= 0)
        {
            return; // attached already (a join and a login of the same device crossed)
        }

        var from = afterSeq ?? Math.Max(0, conversation.LastDelivered - _options.HistoryOnJoin);
        var overflowed = new List<ChatSession>();
        conversation.BeginAttach(session, overflowed);
        var lastCount = afterSeq is null ? _options.HistoryOnJoin : (int?)null;
        while (!conversation.TryAttach(session, from, overflowed, lastCount))
        {
            lastCount = null; // from the store onwards, continue from what was sent
            var upTo = conversation.LastDelivered;
            while (from < upTo)
            {
                var page = await _store.ReadAfterAsync(conversation.Key, from, (int)Math.Min(CatchUpPage, upTo - from), cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    from = upTo; // nothing stored there (should not happen); never loop forever
                    break;
                }

                foreach (var chunk in Chunk(page.Select(m => ToEvent(m, conversation))))
                {
                    await session.Connection.WaitForCapacityAsync(cancellationToken).ConfigureAwait(false);
                    if (session.HasEnded)
                    {
                        return;
                    }

                    if (!session.Connection.TryEnqueue(new HistoryEvent(conversation.Name, chunk, null)))
                    {
                        overflowed.Add(session);
                        DropSlowConsumers(overflowed);
                        return;
                    }
                }

                from = page[^1].Seq;
            }
        }

        session.Attached(conversation);
        DropSlowConsumers(overflowed);
    }

    /// <summary>
    /// Splits a catch-up page into history frames of at most ~64 KiB, so that, paced by
    /// <see cref="IChatConnection.WaitForCapacityAsync"/>, a frame always fits a half-empty outbox.
    /// </summary>
    private static IEnumerable<List<MessageEvent>> Chunk(IEnumerable<MessageEvent> messages)
    {
        const int ChunkBytes = 64 * 1024;
        var chunk = new List<MessageEvent>();
        var bytes = 0;
        foreach (var message in messages)
        {
            if (chunk.Count > 0 && bytes + message.EstimatedBytes > ChunkBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(message);
            bytes += message.EstimatedBytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>Attaches every ready connection of both participants that is not attached yet (a new conversation).</summary>
    private void AttachParticipants(DirectConversation conversation)
    {
        if (!DirectConversationId.TryParse(conversation.Key, out var a, out var b))
        {
            return;
        }

        var overflowed = new List<ChatSession>();
        foreach (var user in OnlineUsers(a, b))
        {
            foreach (var session in user.Sessions)
            {
                if (session.IsReady && Array.IndexOf(conversation.Subscribers, session) < 0)
                {
                    conversation.BeginAttach(session, overflowed);
                    if (conversation.TryAttach(session, conversation.LastDelivered, overflowed))
                    {
                        session.Attached(conversation);
                    }
                }
            }
        }

        DropSlowConsumers(overflowed);
    }

    private List<ChatUser> OnlineUsers(params string[] identityKeys)
    {
        var users = new List<ChatUser>();
        lock (_usersGate)
        {
            foreach (var user in _online.Values)
            {
                if (Array.IndexOf(identityKeys, user.Key) >= 0)
                {
                    users.Add(user);
                }
            }
        }

        return users;
    }

    /// <summary>The identity a private message goes to: an online user, or a registered account that is offline.</summary>
    private async Task<(string Key, string Name)?> ResolveRecipientAsync(string name, CancellationToken cancellationToken)
    {
        var nameKey = UserNamePolicy.Fold(name);
        lock (_usersGate)
        {
            if (_online.TryGetValue(nameKey, out var online))
            {
                return (online.Key, online.Name);
            }
        }

        var account = await _store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false);
        return account is null ? null : (account.Key, account.Name);
    }

    private async Task<(Task<MessageEvent>? Duplicate, TaskCompletionSource<MessageEvent>? Claim)> FindEarlierSendAsync(ChatUser user, string clientId, CancellationToken cancellationToken)
    {
        var claim = new TaskCompletionSource<MessageEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = _sendsInFlight.GetOrAdd((user.Key, clientId), claim.Task);
        if (inFlight != claim.Task)
        {
            return (inFlight, null);
        }

        // Not seen since this user came online: it may still have been stored before (a reconnect after a restart).
        var stored = await _store.FindByClientIdAsync(user.Key, clientId, cancellationToken).ConfigureAwait(false);
        if (stored is not null && await LoadAsync(stored.Conversation).ConfigureAwait(false) is { } conversation)
        {
            claim.TrySetResult(ToEvent(stored, conversation));
            return (claim.Task, null);
        }

        return (null, claim);
    }

    /// <summary>
    /// Ends an in-flight claim. Once the message is durable the store answers repeats, so the claim is dropped and the
    /// in-flight map holds only sends not yet committed.
    /// </summary>
    private void ReleaseClaim(ChatUser user, string? clientId, TaskCompletionSource<MessageEvent>? claim, MessageEvent? message)
    {
        if (claim is null || clientId is null)
        {
            return;
        }

        if (message is null)
        {
            claim.TrySetException(new InvalidOperationException("the earlier send with this id failed"));
        }
        else
        {
            claim.TrySetResult(message);
        }

        _sendsInFlight.TryRemove(new KeyValuePair<(string, string), Task<MessageEvent>>((user.Key, clientId), claim.Task));
    }

    private static MessageEvent ToEvent(StoredMessage m, Conversation conversation)
        => new(m.MessageId, m.Seq, conversation.Key, conversation.Name, m.From, m.To, m.Text, m.Timestamp, m.DeletedBy is null ? m.File : null) { DeletedBy = m.DeletedBy };
}
