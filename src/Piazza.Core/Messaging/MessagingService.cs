using Piazza.Core.Conversations;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Core.Ports;
using Piazza.Core.Replies;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>
/// Sending: checks, flood control, the conversation's seq and the durable append, idempotency by client id. Nothing
/// on this path reads the store once the conversation is loaded: rooms, mutes, online users and recent client ids
/// are in memory. A private send to an offline account reads the account once per loaded conversation.
/// </summary>
internal sealed partial class MessagingService(
    HubContext hub, IMessageSequencer sequencer, ConversationCache conversations, OnlineDirectory online, RoomService rooms, Sanctions sanctions,
    Attacher attacher, Limits.FloodControl flood)
{
    private readonly MentionResolver _mentions = new(hub, online);
    private long _stored;

    /// <summary>Messages this node has stored since it started (sends and announcements; retried duplicates not again).</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Sends a checked text (empty only with a file) and an optional file the sender may share.</summary>
    public async Task<HubResult<PendingSend>> SendAsync(ChatSession session, string? room, string? to, string text, FileAttachment? file, string? clientId, CancellationToken cancellationToken, IReadOnlyList<string>? group = null, string? replyTo = null)
    {
        if (MessageTextRule.Check(text, hub.Options.MaxMessageChars) is { } badText)
        {
            return badText;
        }

        if (clientId?.Length > ChatHub.MaxIdChars)
        {
            return new HubError(ErrorCode.BadRequest, $"\"id\" is at most {ChatHub.MaxIdChars} characters ({clientId.Length} given)");
        }

        if (flood.TryAcquireMessage(session) is { } throttled)
        {
            return throttled;
        }

        var user = session.User;
        var account = user.IsRegistered ? user.Key : null;
        for (var attempt = 0; ; attempt++)
        {
            var target = group is null
                ? await ConversationOfAsync(session, room, to, cancellationToken).ConfigureAwait(false)
                : await GroupConversationOfAsync(session, group, cancellationToken).ConfigureAwait(false);
            if (!target.Succeeded)
            {
                return target.Error!;
            }

            var (conversation, recipient) = target.Value;
            if (sanctions.MuteError(user, conversation) is { } muted)
            {
                return muted;
            }

            if (sequencer.HasFailed || hub.ShuttingDown)
            {
                return new HubError(ErrorCode.ServerError, hub.ShuttingDown ? "the server is shutting down" : "messages cannot be stored right now");
            }

            ReplyQuote? quote = null;
            if (replyTo is not null)
            {
                var replied = await QuoteAsync(user, conversation, replyTo, cancellationToken).ConfigureAwait(false);
                if (!replied.Succeeded)
                {
                    return replied.Error!;
                }

                quote = replied.Value;
            }

            var mentions = await _mentions.ResolveAsync(user, conversation, text, cancellationToken).ConfigureAwait(false);
            var now = hub.Now;
            var assigned = conversation.Assign(
                seq => new MessageEvent(Guid.CreateVersion7(now).ToString("N"), seq, conversation.Key, conversation.Name, user.Name, recipient, text, now, file) { Mentions = mentions, Reply = quote, Bot = user.IsBot, Guest = !user.IsRegistered },
                account,
                clientId,
                user.Key,
                new SendContent(text, file?.Id, quote?.MessageId));
            if (assigned is not { } send)
            {
                if (attempt < 3)
                {
                    continue; // retired by an idle sweep between load and send: its replacement has the seq
                }

                return new HubError(ErrorCode.ServerError, "the conversation is busy; send again");
            }

            if (send.Conflict)
            {
                return ClientIdConflict(clientId!);
            }

            if (send.Duplicate)
            {
                return HubResult<PendingSend>.Ok(new PendingSend(AwaitDuplicateAsync(send.Durable, clientId!)));
            }

            session.CountMessage();
            return HubResult<PendingSend>.Ok(new PendingSend(AwaitDurableAsync(send.Durable, conversation, user.Key, clientId)));
        }
    }

    /// <summary>Sends an announcement from <see cref="ChatHub.ServerName"/> to the lobby; completes when it is durable.</summary>
    public async Task<MessageEvent?> AnnounceAsync(string text)
    {
        if (await conversations.LoadAsync(ChatHub.LobbyName).ConfigureAwait(false) is not ChatRoom lobby || sequencer.HasFailed)
        {
            return null;
        }

        var now = hub.Now;
        var assigned = lobby.Assign(seq => new MessageEvent(Guid.CreateVersion7(now).ToString("N"), seq, lobby.Key, lobby.Name, ChatHub.ServerName, null, text, now), null, null);
        try
        {
            if (assigned is not { } send)
            {
                return null;
            }

            var stored = (await send.Durable.ConfigureAwait(false)).Message;
            Interlocked.Increment(ref _stored);
            return stored;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The identity a private message goes to: an online user, or a registered account that is offline.</summary>
    public async Task<(string Key, string Name)?> ResolveRecipientAsync(string name, string senderKey, CancellationToken cancellationToken)
    {
        var nameKey = UserNamePolicy.Fold(name);
        if (online.FindByName(nameKey) is { } local)
        {
            return (local.Key, local.Name);
        }

        if (await online.Claims.FindAsync(nameKey, cancellationToken).ConfigureAwait(false) is { } claim)
        {
            return (claim.Identity, claim.Name);
        }

        // An offline account: known from the conversation once a send resolved it, else read once.
        if (conversations.Find(DirectConversationId.For(senderKey, nameKey)) is DirectConversation direct && direct.NameOf(nameKey) is { } known)
        {
            return (nameKey, known);
        }

        var account = await hub.Store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false);
        return account is null ? null : (account.Key, account.Name);
    }

    private async Task<HubResult<(Conversation Conversation, string? Recipient)>> ConversationOfAsync(ChatSession session, string? room, string? to, CancellationToken cancellationToken)
    {
        if (to is null && room is not null && DirectConversationId.IsDirect(room))
        {
            return await PrivateByIdAsync(session, room, cancellationToken).ConfigureAwait(false);
        }

        if (to is null)
        {
            var resolved = await rooms.ResolveRoomAsync(session, room ?? ChatHub.LobbyName).ConfigureAwait(false);
            return resolved.Succeeded ? HubResult<(Conversation, string?)>.Ok((resolved.Value!, null)) : resolved.Error!;
        }

        var user = session.User;
        if (await ResolveRecipientAsync(to, user.Key, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return new HubError(ErrorCode.NoSuchUser, $"there is no user '{to}'");
        }

        var direct = (DirectConversation)(await conversations.LoadAsync(DirectConversationId.For(user.Key, target.Key)).ConfigureAwait(false))!;
        direct.LearnName(target.Key, target.Name);
        attacher.AttachParticipants(direct);
        return HubResult<(Conversation, string?)>.Ok((direct, target.Name));
    }

    /// <summary>The refusal of a client id reused in the same conversation for other content (docs/protocol.md, "Idempotent sends").</summary>
    private static HubError ClientIdConflict(string clientId) => new(
        ErrorCode.Conflict,
        $"the id \"{clientId}\" was used for another message in this conversation; nothing was sent; use a new id for a new message");

    private async Task<HubResult<SendOutcome>> AwaitDurableAsync(Task<SendOutcome> durable, Conversation conversation, string sender, string? clientId)
    {
        try
        {
            var outcome = await durable.ConfigureAwait(false);
            if (outcome.Conflict)
            {
                // Another node stored the id first, for other content: this node must not answer it as a duplicate later.
                conversation.ForgetSend(sender, clientId!, durable);
                return ClientIdConflict(clientId!);
            }

            if (!outcome.Duplicate)
            {
                Interlocked.Increment(ref _stored);
            }

            return HubResult<SendOutcome>.Ok(outcome);
        }
        catch (InvalidOperationException ex)
        {
            if (clientId is not null)
            {
                conversation.ForgetSend(sender, clientId, durable);
            }

            return ex is StoreUnavailableException
                ? new HubError(ErrorCode.Unavailable, "the message store cannot be reached right now; the message was not sent; send it again shortly")
                : new HubError(ErrorCode.ServerError, "the message could not be stored; it was not sent");
        }
    }

    private static async Task<HubResult<SendOutcome>> AwaitDuplicateAsync(Task<SendOutcome> original, string clientId)
    {
        try
        {
            var outcome = await original.ConfigureAwait(false);
            return outcome.Conflict ? ClientIdConflict(clientId) : HubResult<SendOutcome>.Ok(outcome with { Duplicate = true });
        }
        catch (InvalidOperationException ex)
        {
            return ex is StoreUnavailableException
                ? new HubError(ErrorCode.Unavailable, "the earlier send with this id could not be stored; send it again shortly")
                : new HubError(ErrorCode.ServerError, "the earlier send with this id failed; send again with a new id");
        }
    }
}
