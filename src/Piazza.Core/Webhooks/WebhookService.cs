using Piazza.Core.Conversations;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Core.Rooms;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Webhooks;

/// <summary>
/// Webhooks of rooms (docs/http-api.md, "Webhooks"): their owner (and server admins) create, list and delete them;
/// an incoming webhook's secret posts as its own bot account through the normal send path. Delivering outgoing
/// webhooks is I/O and lives in the server; this service only keeps their records.
/// </summary>
internal sealed class WebhookService(HubContext hub, OnlineDirectory online, NameRules names, RoomService rooms, Messaging.MessagingService messaging, Sanctions sanctions)
{
    /// <summary>Webhooks one room may have, each kind: bounds the bot accounts and deliveries one owner can cause.</summary>
    public const int MaxPerRoom = 20;

    /// <summary>Trigger words one outgoing webhook may have.</summary>
    public const int MaxTriggers = 20;

    /// <summary>Longest trigger word.</summary>
    public const int MaxTriggerChars = 64;

    /// <summary>Longest outgoing URL.</summary>
    public const int MaxUrlChars = 2000;

    /// <summary>What a bot account holds instead of a password hash: no password verifies against it, so nobody logs in as a bot.</summary>
    public const string NoPassword = "!webhook";

    private IWebhookStore Store => hub.Store;

    public async Task<HubResult<NewIncomingWebhook>> CreateIncomingAsync(ChatSession session, string? room, string? name, CancellationToken cancellationToken)
    {
        var owned = await OwnedRoomAsync(session, room).ConfigureAwait(false);
        if (!owned.Succeeded)
        {
            return owned.Error!;
        }

        var chatRoom = owned.Value!;
        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        if ((await Store.IncomingWebhooksAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false)).Count >= MaxPerRoom)
        {
            return new HubError(ErrorCode.Forbidden, $"a room has at most {MaxPerRoom} incoming webhooks; delete one first");
        }

        // The bot is an account of its own, under the name rules every account meets: it cannot take a name that is
        // registered, online, reserved or confusable with another, so it can never pass for someone.
        var botName = UserNamePolicy.Normalize(name!);
        var key = UserNamePolicy.Fold(botName);
        if (await online.Claims.FindAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new HubError(ErrorCode.NameTaken, $"'{botName}' is in use right now");
        }

        if (await names.CheckNewUserNameAsync(botName, key, null, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        // A bot account: its messages and its entries in user lists are marked as a bot's.
        var account = new AccountRecord(key, botName, NoPassword, hub.Now) { Bot = true };
        if (!await hub.Store.TryCreateAccountAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NameTaken, $"'{botName}' is already registered");
        }

        await hub.Store.AddMemberAsync(chatRoom.Key, key, cancellationToken).ConfigureAwait(false);
        var secret = WebhookSecrets.NewSecret();
        var record = new IncomingWebhookRecord(WebhookSecrets.NewId(), chatRoom.Key, botName, key, WebhookSecrets.HashOf(secret), session.User.Key, hub.Now);
        await Store.CreateIncomingWebhookAsync(record, cancellationToken).ConfigureAwait(false);
        return HubResult<NewIncomingWebhook>.Ok(new NewIncomingWebhook(Info(record, chatRoom.Name), secret));
    }

    public async Task<HubResult<IReadOnlyList<IncomingWebhookInfo>>> ListIncomingAsync(ChatSession session, string? room, CancellationToken cancellationToken)
    {
        var owned = await OwnedRoomAsync(session, room).ConfigureAwait(false);
        if (!owned.Succeeded)
        {
            return owned.Error!;
        }

        var list = await Store.IncomingWebhooksAsync(owned.Value!.Key, cancellationToken).ConfigureAwait(false);
        return HubResult<IReadOnlyList<IncomingWebhookInfo>>.Ok([.. list.Select(w => Info(w, owned.Value.Name))]);
    }

    public async Task<HubResult<string>> DeleteAsync(ChatSession session, string? room, string? id, bool outgoing, CancellationToken cancellationToken)
    {
        var owned = await OwnedRoomAsync(session, room).ConfigureAwait(false);
        if (!owned.Succeeded)
        {
            return owned.Error!;
        }

        var deleted = id is not null && (outgoing
            ? await Store.DeleteOutgoingWebhookAsync(owned.Value!.Key, id, cancellationToken).ConfigureAwait(false)
            : await Store.DeleteIncomingWebhookAsync(owned.Value!.Key, id, cancellationToken).ConfigureAwait(false));
        return deleted ? HubResult<string>.Ok(id!) : new HubError(ErrorCode.NotFound, $"'{owned.Value!.Name}' has no such webhook");
    }

    /// <summary>
    /// Posts <paramref name="text"/> as the bot of the webhook whose secret is <paramref name="secret"/>, through the
    /// normal send path (text rule, the bot account's flood buckets, mentions, history, fan-out); completes once durable.
    /// </summary>
    public async Task<HubResult<SendOutcome>> PostAsync(string? secret, string? text, IChatConnection sink, CancellationToken cancellationToken)
    {
        var webhook = secret is { Length: > 0 and <= WebhookSecrets.MaxSecretChars }
            ? await Store.FindIncomingWebhookAsync(WebhookSecrets.HashOf(secret), cancellationToken).ConfigureAwait(false)
            : null;
        if (webhook is null || await hub.Store.FindAccountAsync(webhook.AccountKey, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return new HubError(ErrorCode.NotFound, "no such webhook");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new HubError(ErrorCode.BadRequest, "\"text\" must be a non-empty string");
        }

        if (sanctions.ServerBanError(account.Key, sink.RemoteAddress, isAdmin: false) is { } banned)
        {
            return banned;
        }

        // A request session, as HTTP opens one from a token: never online, in the webhook's room only.
        var user = new ChatUser(account.Name, registered: true) { IsBot = account.Bot };
        user.AddRoom(webhook.RoomKey);
        var sent = await messaging.SendAsync(new ChatSession(user, sink, hub.Now, token: null), webhook.RoomKey, null, text, null, null, cancellationToken).ConfigureAwait(false);
        return sent.Succeeded ? await sent.Value!.Completion.ConfigureAwait(false) : sent.Error!;
    }

    /// <summary>
    /// Registers an outgoing webhook: <paramref name="destinationProblem"/> is the server's allow-list (null when the
    /// destination is allowed). Deliveries start after the room's newest message now.
    /// </summary>
    public async Task<HubResult<OutgoingWebhookInfo>> CreateOutgoingAsync(ChatSession session, string? room, string? url, IReadOnlyList<string>? triggers, Func<Uri, HubError?> destinationProblem, CancellationToken cancellationToken)
    {
        var owned = await OwnedRoomAsync(session, room).ConfigureAwait(false);
        if (!owned.Succeeded)
        {
            return owned.Error!;
        }

        var chatRoom = owned.Value!;
        if (url is not { Length: > 0 and <= MaxUrlChars } || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            return new HubError(ErrorCode.BadRequest, $"\"url\" must be an absolute http or https URL without credentials, at most {MaxUrlChars} characters");
        }

        if (TriggerProblem(triggers) is { } badTriggers)
        {
            return badTriggers;
        }

        if (destinationProblem(uri) is { } refused)
        {
            return refused;
        }

        if ((await Store.OutgoingWebhooksAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false)).Count >= MaxPerRoom)
        {
            return new HubError(ErrorCode.Forbidden, $"a room has at most {MaxPerRoom} outgoing webhooks; delete one first");
        }

        var cursor = await hub.Store.LastSeqAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false);
        var words = (triggers ?? []).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var record = new OutgoingWebhookRecord(WebhookSecrets.NewId(), chatRoom.Key, uri.AbsoluteUri, words, WebhookSecrets.NewSecret(), session.User.Key, hub.Now, cursor);
        await Store.CreateOutgoingWebhookAsync(record, cancellationToken).ConfigureAwait(false);
        return HubResult<OutgoingWebhookInfo>.Ok(new OutgoingWebhookInfo(record, chatRoom.Name, 0, []));
    }

    /// <summary>A room's outgoing webhooks with their delivery state, messages not yet handled and newest failures.</summary>
    public async Task<HubResult<IReadOnlyList<OutgoingWebhookInfo>>> ListOutgoingAsync(ChatSession session, string? room, int failures, CancellationToken cancellationToken)
    {
        var owned = await OwnedRoomAsync(session, room).ConfigureAwait(false);
        if (!owned.Succeeded)
        {
            return owned.Error!;
        }

        var chatRoom = owned.Value!;
        var newest = await hub.Store.LastSeqAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false);
        var list = new List<OutgoingWebhookInfo>();
        foreach (var webhook in await Store.OutgoingWebhooksAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false))
        {
            var failed = failures > 0 ? await Store.WebhookFailuresAsync(webhook.Id, failures, cancellationToken).ConfigureAwait(false) : [];
            list.Add(new OutgoingWebhookInfo(webhook, chatRoom.Name, Math.Max(0, newest - webhook.Cursor), failed));
        }

        return HubResult<IReadOnlyList<OutgoingWebhookInfo>>.Ok(list);
    }

    private static HubError? TriggerProblem(IReadOnlyList<string>? triggers)
    {
        if (triggers is null)
        {
            return null;
        }

        if (triggers.Count > MaxTriggers)
        {
            return new HubError(ErrorCode.BadRequest, $"at most {MaxTriggers} trigger words");
        }

        return triggers.Any(t => t is null || t.Trim() is not { Length: > 0 and <= MaxTriggerChars } word || word.Any(char.IsWhiteSpace) || !UnicodeHygiene.CheckText(word, allowNewlines: false, out _))
            ? new HubError(ErrorCode.BadRequest, $"each trigger is one word of 1 to {MaxTriggerChars} characters, without spaces")
            : null;
    }

    /// <summary>A room the user owns (or any room, for server admins): a hidden private room is missing, a room one is not in is refused.</summary>
    private async Task<HubResult<ChatRoom>> OwnedRoomAsync(ChatSession session, string? room)
    {
        var resolved = await rooms.ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var user = session.User;
        return user.IsAdmin || (user.IsRegistered && resolved.Value!.Owner == user.Key)
            ? resolved
            : new HubError(ErrorCode.Forbidden, $"only the owner of '{resolved.Value!.Name}' and server admins manage its webhooks");
    }

    private static IncomingWebhookInfo Info(IncomingWebhookRecord record, string room) => new(record.Id, room, record.Name, record.CreatedBy, record.CreatedAt);
}

/// <summary>An incoming webhook as its owner sees it (never its secret).</summary>
public sealed record IncomingWebhookInfo(string Id, string Room, string Name, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>A new incoming webhook and its secret, shown this once.</summary>
public sealed record NewIncomingWebhook(IncomingWebhookInfo Webhook, string Secret);

/// <summary>An outgoing webhook as its owner sees it: messages not yet handled (<see cref="Pending"/>, at most) and newest failures.</summary>
public sealed record OutgoingWebhookInfo(OutgoingWebhookRecord Webhook, string Room, long Pending, IReadOnlyList<WebhookFailureRecord> Failures);
