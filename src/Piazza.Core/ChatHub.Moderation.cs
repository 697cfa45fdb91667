using System.Globalization;
using System.Net;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>What a moderation request names; a door fills in what its frame carries.</summary>
public sealed record ModerationRequest(string? Room, string? User, string? Address = null, string? Reason = null, TimeSpan? Duration = null, DateTimeOffset? Until = null);

/// <summary>What a moderation action did, for the reply.</summary>
public sealed record ModerationOutcome(string? Room, string? User, DateTimeOffset? Until = null);

/// <summary>
/// Moderation: kick, ban/unban (accounts and addresses), mute/unmute, op/deop, topic lock, message deletion, the
/// audit log and server admins. Who may do what is <see cref="ModerationPolicy"/>; every action is audited.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>Longest reason in characters.</summary>
    public const int MaxReasonChars = 300;

    /// <summary>The actor the audit log names for the operator console and the admin command.</summary>
    public const string OperatorName = "operator";

    /// <summary>Longest ban or mute; longer is refused rather than overflowing the clock.</summary>
    public static readonly TimeSpan MaxModerationDuration = TimeSpan.FromDays(36_500);

    private readonly BanList _bans = new();
    private readonly SemaphoreSlim _adminGate = new(1, 1);

    /// <summary>Whom an action is aimed at: online, or an account, or (bans only) a name nobody uses yet.</summary>
    private sealed record Target(string Name, string Key, string NameKey, bool Registered, bool IsAdmin, ChatUser? Online);

    /// <summary>Removes a user from a room (with <c>room</c>) or, for admins, from the server.</summary>
    public async Task<HubResult<ModerationOutcome>> KickAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        if (CheckReason(request.Reason) is { } bad)
        {
            return bad;
        }

        var target = await FindTargetAsync(request.User, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        var who = target.Value!;
        var actor = session.User;
        if (request.Room is null)
        {
            if (!ModerationPolicy.CanActServerWide(actor.IsAdmin, who.IsAdmin))
            {
                return Forbidden(actor.IsAdmin ? "admins cannot kick admins" : "only server admins can kick from the server; name a room");
            }

            if (who.Online is not { } online)
            {
                return new HubError(ErrorCode.NoSuchUser, $"'{who.Name}' is not online");
            }

            await RemoveFromServerAsync(online, "kicked", request.Reason, actor.Name, ModerationEvent.Kicked, null, connections: null).ConfigureAwait(false);
            await AuditAsync(actor.Name, "kick", who.Name, null, request.Reason, null, cancellationToken).ConfigureAwait(false);
            return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(null, who.Name));
        }

        var resolved = await ModeratedRoomAsync(session, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var room = resolved.Value!;
        if (!ModerationPolicy.CanActOn(RankIn(room, actor), RankIn(room, who)))
        {
            return Forbidden($"you cannot kick '{who.Name}' from '{room.Name}'");
        }

        if (who.Online is not { } user || !user.IsInRoom(room.Key))
        {
            return new HubError(ErrorCode.NotInRoom, $"'{who.Name}' is not in '{room.Name}'");
        }

        await RemoveFromRoomAsync(user, room, "kicked", request.Reason, actor.Name, cancellationToken).ConfigureAwait(false);
        await AuditAsync(actor.Name, "kick", who.Name, room.Name, request.Reason, null, cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(room.Name, who.Name));
    }

    /// <summary>
    /// Bans a user from a room (<c>room</c>; room moderators), or from the server (no room; admins), or an address
    /// from the server (admins). Optional expiry. The user is removed at once and refused until the ban ends.
    /// </summary>
    public async Task<HubResult<ModerationOutcome>> BanAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var expiry = TermsOf(request, now);
        if (!expiry.Succeeded)
        {
            return expiry.Error!;
        }

        var actor = session.User;
        var until = expiry.Value;
        if (request.Address is not null)
        {
            if (request.Room is not null || request.User is not null)
            {
                return new HubError(ErrorCode.BadRequest, "an address ban is server-wide and names no user: give only \"address\"");
            }

            if (!actor.IsAdmin)
            {
                return Forbidden("only server admins can ban addresses");
            }

            if (NormalizeAddress(request.Address) is not { } address)
            {
                return new HubError(ErrorCode.BadRequest, $"'{request.Address}' is not an IP address");
            }

            var ban = await _store.AddBanAsync(new BanRecord(0, null, BanKind.Address, address, request.Reason, actor.Name, now, until), cancellationToken).ConfigureAwait(false);
            _bans.Add(ban);

            // Admins are exempt from address bans, so an admin cannot lock themselves out by banning their own address.
            foreach (var victim in Sessions.Where(s => !s.User.IsAdmin && NormalizeAddress(s.Connection.RemoteAddress) == address).GroupBy(s => s.User))
            {
                await RemoveFromServerAsync(victim.Key, "banned", request.Reason, actor.Name, ModerationEvent.Banned, until, [.. victim]).ConfigureAwait(false);
            }

            await AuditAsync(actor.Name, "ban", address, null, request.Reason, DescribeUntil(until), cancellationToken).ConfigureAwait(false);
            return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(null, null, until));
        }

        var target = await FindTargetAsync(request.User, cancellationToken, allowUnknown: true).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        var who = target.Value!;
        if (request.Room is null)
        {
            if (!ModerationPolicy.CanActServerWide(actor.IsAdmin, who.IsAdmin))
            {
                return Forbidden(actor.IsAdmin ? "admins cannot ban admins" : "only server admins can ban from the server; name a room");
            }

            var ban = await _store.AddBanAsync(new BanRecord(0, null, BanKind.User, who.NameKey, request.Reason, actor.Name, now, until), cancellationToken).ConfigureAwait(false);
            _bans.Add(ban);
            if (who.Online is { } online)
            {
                await RemoveFromServerAsync(online, "banned", request.Reason, actor.Name, ModerationEvent.Banned, until, connections: null).ConfigureAwait(false);
            }

            await AuditAsync(actor.Name, "ban", who.Name, null, request.Reason, DescribeUntil(until), cancellationToken).ConfigureAwait(false);
            return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(null, who.Name, until));
        }

        var resolved = await ModeratedRoomAsync(session, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var room = resolved.Value!;
        if (!ModerationPolicy.CanActOn(RankIn(room, actor), RankIn(room, who)))
        {
            return Forbidden($"you cannot ban '{who.Name}' from '{room.Name}'");
        }

        var roomBan = await _store.AddBanAsync(new BanRecord(0, room.Key, BanKind.User, who.NameKey, request.Reason, actor.Name, now, until), cancellationToken).ConfigureAwait(false);
        _bans.Add(roomBan);
        if (who.Online is { } present && present.IsInRoom(room.Key))
        {
            var notice = new ModerationEvent(ModerationEvent.Banned, room.Name, who.Name, actor.Name, request.Reason, until, now);
            foreach (var device in present.Sessions)
            {
                device.Connection.TryEnqueue(notice);
            }

            await RemoveFromRoomAsync(present, room, "banned", request.Reason, actor.Name, cancellationToken).ConfigureAwait(false);
        }
        else if (who.Registered)
        {
            await _store.RemoveMemberAsync(room.Key, who.Key, cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(actor.Name, "ban", who.Name, room.Name, request.Reason, DescribeUntil(until), cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(room.Name, who.Name, until));
    }

    /// <summary>Lifts a room ban (room moderators), a server ban or an address ban (admins).</summary>
    public async Task<HubResult<ModerationOutcome>> UnbanAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var actor = session.User;
        string? roomKey = null;
        string? roomName = null;
        BanKind kind;
        string target;
        if (request.Address is not null)
        {
            if (!actor.IsAdmin)
            {
                return Forbidden("only server admins can lift address bans");
            }

            kind = BanKind.Address;
            target = NormalizeAddress(request.Address) ?? request.Address;
        }
        else
        {
            if (!UserNamePolicy.IsValid(request.User, out var problem))
            {
                return new HubError(ErrorCode.BadRequest, $"\"user\" or \"address\" is required: {problem}");
            }

            kind = BanKind.User;
            target = UserNamePolicy.Fold(request.User!);
            if (request.Room is null)
            {
                if (!actor.IsAdmin)
                {
                    return Forbidden("only server admins can lift server bans; name a room");
                }
            }
            else
            {
                var resolved = await ModeratedRoomAsync(session, request.Room).ConfigureAwait(false);
                if (!resolved.Succeeded)
                {
                    return resolved.Error!;
                }

                if (!ModerationPolicy.CanModerate(RankIn(resolved.Value!, actor)))
                {
                    return Forbidden($"only moderators of '{resolved.Value!.Name}' can lift its bans");
                }

                roomKey = resolved.Value!.Key;
                roomName = resolved.Value!.Name;
            }
        }

        var removed = await _store.RemoveBansAsync(roomKey, kind, target, cancellationToken).ConfigureAwait(false);
        _bans.Remove(roomKey, kind, target);
        if (removed == 0)
        {
            return new HubError(ErrorCode.NotBanned, $"'{request.Address ?? request.User}' is not banned{(roomName is null ? "" : $" from '{roomName}'")}");
        }

        await AuditAsync(actor.Name, "unban", request.Address ?? request.User, roomName, request.Reason, null, cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(roomName, request.User));
    }

    /// <summary>Mutes a user in a room (optional expiry): their sends there are refused with <c>muted</c>.</summary>
    public Task<HubResult<ModerationOutcome>> MuteAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => SetMuteAsync(session, request, mute: true, cancellationToken);

    public Task<HubResult<ModerationOutcome>> UnmuteAsync(ChatSession session, ModerationRequest request, CancellationToken cancellationToken = default)
        => SetMuteAsync(session, request, mute: false, cancellationToken);

    private async Task<HubResult<ModerationOutcome>> SetMuteAsync(ChatSession session, ModerationRequest request, bool mute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var expiry = TermsOf(request, now);
        if (!expiry.Succeeded)
        {
            return expiry.Error!;
        }

        var context = await RoomAndTargetAsync(session, request, mute ? "mute" : "unmute", cancellationToken).ConfigureAwait(false);
        if (!context.Succeeded)
        {
            return context.Error!;
        }

        var (room, who) = context.Value;
        var actor = session.User;
        if (!ModerationPolicy.CanActOn(RankIn(room, actor), RankIn(room, who)))
        {
            return Forbidden($"you cannot {(mute ? "mute" : "unmute")} '{who.Name}' in '{room.Name}'");
        }

        var overflowed = new List<ChatSession>();
        if (mute)
        {
            var record = new MuteRecord(room.Key, who.NameKey, request.Reason, actor.Name, expiry.Value);
            await _store.SetMuteAsync(record, cancellationToken).ConfigureAwait(false);
            room.SetMute(who.NameKey, record, new ModerationEvent(ModerationEvent.Muted, room.Name, who.Name, actor.Name, request.Reason, expiry.Value, now), overflowed);
        }
        else
        {
            if (room.MuteOf(who.NameKey, now) is null)
            {
                return new HubError(ErrorCode.BadRequest, $"'{who.Name}' is not muted in '{room.Name}'");
            }

            await _store.RemoveMuteAsync(room.Key, who.NameKey, cancellationToken).ConfigureAwait(false);
            room.SetMute(who.NameKey, null, new ModerationEvent(ModerationEvent.Unmuted, room.Name, who.Name, actor.Name, request.Reason, null, now), overflowed);
        }

        DropSlowConsumers(overflowed);
        await AuditAsync(actor.Name, mute ? "mute" : "unmute", who.Name, room.Name, request.Reason, mute ? DescribeUntil(expiry.Value) : null, cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(room.Name, who.Name, expiry.Value));
    }

    /// <summary>Makes (<paramref name="moderator"/>) or revokes a room moderator: the room's owner and admins only.</summary>
    public async Task<HubResult<ModerationOutcome>> SetModeratorAsync(ChatSession session, ModerationRequest request, bool moderator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var context = await RoomAndTargetAsync(session, request, moderator ? "op" : "deop", cancellationToken).ConfigureAwait(false);
        if (!context.Succeeded)
        {
            return context.Error!;
        }

        var (room, who) = context.Value;
        var actor = session.User;
        if (!ModerationPolicy.CanChangeModerators(RankIn(room, actor), RankIn(room, who)))
        {
            return Forbidden($"only the owner of '{room.Name}' and server admins can {(moderator ? "make" : "revoke")} moderators there");
        }

        if (!who.Registered)
        {
            return new HubError(ErrorCode.BadRequest, $"'{who.Name}' is a guest; only accounts can be moderators");
        }

        await _store.SetModeratorAsync(room.Key, who.Key, moderator, cancellationToken).ConfigureAwait(false);
        var overflowed = new List<ChatSession>();
        var announcement = new ModerationEvent(ModerationEvent.RoleChanged, room.Name, who.Name, actor.Name, null, null, _time.GetUtcNow())
        {
            Detail = moderator ? "moderator" : "member",
        };
        room.SetModerator(who.Key, moderator, announcement, overflowed);
        DropSlowConsumers(overflowed);
        await AuditAsync(actor.Name, moderator ? "op" : "deop", who.Name, room.Name, null, null, cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationOutcome>.Ok(new ModerationOutcome(room.Name, who.Name));
    }

    /// <summary>Locks (only moderators change the topic) or unlocks (anyone in the room may) a room's topic.</summary>
    public async Task<HubResult<string>> SetTopicLockAsync(ChatSession session, string? room, bool locked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var resolved = await ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        if (!ModerationPolicy.CanLockTopic(RankIn(chatRoom, session.User)))
        {
            return Forbidden($"only moderators of '{chatRoom.Name}' can lock or unlock its topic");
        }

        await _store.SetTopicLockAsync(chatRoom.Key, locked, cancellationToken).ConfigureAwait(false);
        var overflowed = new List<ChatSession>();
        chatRoom.SetTopicLock(locked, session.User.Name, _time.GetUtcNow(), overflowed);
        DropSlowConsumers(overflowed);
        await AuditAsync(session.User.Name, locked ? "lock" : "unlock", null, chatRoom.Name, null, null, cancellationToken).ConfigureAwait(false);
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>
    /// Deletes a stored message: its author (an account) may, and so may the room's moderators. The text is erased
    /// from the store, history shows the message as deleted, and everyone in the conversation hears <c>deleted</c>.
    /// </summary>
    public async Task<HubResult<DeletedEvent>> DeleteMessageAsync(ChatSession session, string? room, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrEmpty(messageId) || messageId.Length > 64)
        {
            return new HubError(ErrorCode.BadRequest, "\"msg\" must be a message id");
        }

        var stored = await _store.FindMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        var conversation = stored is null ? null : await LoadAsync(stored.Conversation).ConfigureAwait(false);
        var user = session.User;
        var visible = conversation switch
        {
            ChatRoom r => user.IsInRoom(r.Key) || user.IsAdmin,
            DirectConversation d => DirectConversationId.TryParse(d.Key, out var a, out var b) && (a == user.Key || b == user.Key),
            _ => false,
        };
        if (stored is null || conversation is null || !visible
            || (room is not null && !string.Equals(room, conversation.Name, StringComparison.OrdinalIgnoreCase) && !string.Equals(room, conversation.Key, StringComparison.OrdinalIgnoreCase)))
        {
            return new HubError(ErrorCode.NoSuchMessage, $"there is no message '{messageId}' you can see{(room is null ? "" : $" in '{room}'")}");
        }

        var isAuthor = user.IsRegistered && stored.FromAccount == user.Key;
        var rank = ModerationRank.Member;
        var authorRank = ModerationRank.Member;
        if (conversation is ChatRoom chatRoom)
        {
            rank = RankIn(chatRoom, user);
            if (!isAuthor && stored.FromAccount is { } authorKey)
            {
                var authorIsAdmin = await _store.IsAdminAsync(authorKey, cancellationToken).ConfigureAwait(false);
                authorRank = ModerationPolicy.RankOf(authorIsAdmin, chatRoom.Owner == authorKey, chatRoom.IsModerator(authorKey));
            }
        }

        if (!ModerationPolicy.CanDelete(rank, isAuthor, authorRank))
        {
            return Forbidden("you can delete only your own messages here");
        }

        var now = _time.GetUtcNow();
        var deleted = new DeletedEvent(conversation.Name, stored.MessageId, stored.Seq, user.Name, now);
        if (stored.DeletedBy is not null)
        {
            return HubResult<DeletedEvent>.Ok(deleted); // deleting twice is not an error
        }

        await _store.MarkDeletedAsync(stored.Conversation, stored.Seq, user.Name, cancellationToken).ConfigureAwait(false);
        var overflowed = new List<ChatSession>();
        conversation.MarkDeleted(stored.Seq, user.Name, deleted, overflowed);
        DropSlowConsumers(overflowed);
        if (!isAuthor)
        {
            await AuditAsync(user.Name, "delete", stored.From, conversation.Name, null, $"msg {stored.MessageId} (seq {stored.Seq.ToString(CultureInfo.InvariantCulture)})", cancellationToken).ConfigureAwait(false);
        }

        return HubResult<DeletedEvent>.Ok(deleted);
    }

    /// <summary>
    /// Makes an account a server admin, creating it with <paramref name="password"/> when it does not exist
    /// (for <c>piazza-server admin create</c>). Returns whether the account was created.
    /// </summary>
    public async Task<HubResult<bool>> GrantAdminAsync(string name, string? password, CancellationToken cancellationToken = default)
    {
        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var key = UserNamePolicy.Fold(name);
        var created = false;
        if (await _store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false) is null)
        {
            if (password is null)
            {
                return new HubError(ErrorCode.NoSuchUser, $"there is no account '{name}'; give a password to create it");
            }

            var account = await CreateAccountAsync(name, password, guest: null, cancellationToken).ConfigureAwait(false);
            if (!account.Succeeded)
            {
                return account.Error!;
            }

            created = true;
        }

        await _store.SetAdminAsync(key, admin: true, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        MarkOnlineAdmin(key, admin: true);
        await AuditAsync(OperatorName, "admin", name, null, null, created ? "account created" : null, cancellationToken).ConfigureAwait(false);
        return HubResult<bool>.Ok(created);
    }

    /// <summary>Takes server admin away from an account (the account stays).</summary>
    public async Task<HubResult<bool>> RevokeAdminAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = UserNamePolicy.Fold(name ?? "");
        if (!await _store.IsAdminAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NoSuchUser, $"'{name}' is not an admin");
        }

        await _store.SetAdminAsync(key, admin: false, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        MarkOnlineAdmin(key, admin: false);
        await AuditAsync(OperatorName, "unadmin", name, null, null, null, cancellationToken).ConfigureAwait(false);
        return HubResult<bool>.Ok(true);
    }

    /// <summary>Account keys of the server admins.</summary>
    public Task<IReadOnlyList<string>> AdminsAsync(CancellationToken cancellationToken = default) => _store.AdminsAsync(cancellationToken);

    /// <summary>The latest moderation audit entries, oldest first.</summary>
    public Task<IReadOnlyList<AuditRecord>> AuditLogAsync(int limit, CancellationToken cancellationToken = default) => _store.ReadAuditAsync(limit, cancellationToken);

    /// <summary>The first account registered while no admin exists becomes admin (when configured).</summary>
    private async Task MaybeFirstAdminAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        await _adminGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if ((await _store.AdminsAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                await _store.SetAdminAsync(account.Key, admin: true, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                await AuditAsync(ServerName, "admin", account.Name, null, null, "first registered user", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _adminGate.Release();
        }
    }

    private void MarkOnlineAdmin(string key, bool admin)
    {
        lock (_usersGate)
        {
            if (_online.TryGetValue(key, out var user) && user.IsRegistered)
            {
                user.IsAdmin = admin;
            }
        }
    }

    /// <summary>A server-wide ban in force against this name or address, as the error a login gets; null when none.</summary>
    private HubError? ServerBanError(string nameKey, string address, bool isAdmin)
    {
        var now = _time.GetUtcNow();
        var ban = _bans.Find(null, BanKind.User, nameKey, now)
            ?? (isAdmin || NormalizeAddress(address) is not { } normal ? null : _bans.Find(null, BanKind.Address, normal, now));
        return ban is null ? null : BannedError(ban, "this server", now);
    }

    /// <summary>A ban in force against the user in a room, as the error a join gets; null when none.</summary>
    private HubError? RoomBanError(ChatUser user, string roomKey, string roomName)
    {
        var now = _time.GetUtcNow();
        return user.IsAdmin || _bans.Find(roomKey, BanKind.User, user.NameKey, now) is not { } ban ? null : BannedError(ban, $"'{roomName}'", now);
    }

    /// <summary>The mute in force against the user in a room, as the error a send gets; null when none.</summary>
    private HubError? MuteError(ChatUser user, Conversation conversation)
    {
        var now = _time.GetUtcNow();
        if (conversation is not ChatRoom room || room.MuteOf(user.NameKey, now) is not { } mute)
        {
            return null;
        }

        return new HubError(
            ErrorCode.Muted,
            $"you are muted in '{room.Name}'{(mute.ExpiresAt is { } until ? $" until {FormatUntil(until)}" : "")}{(mute.Reason is null ? "" : $": {mute.Reason}")}",
            mute.ExpiresAt - now);
    }

    private static HubError BannedError(BanRecord ban, string where, DateTimeOffset now)
        => new(
            ErrorCode.Banned,
            $"you are banned from {where}{(ban.ExpiresAt is { } until ? $" until {FormatUntil(until)}" : "")}{(ban.Reason is null ? "" : $": {ban.Reason}")}",
            ban.ExpiresAt - now);

    private static string FormatUntil(DateTimeOffset until) => until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string? DescribeUntil(DateTimeOffset? until) => until is { } u ? "until " + FormatUntil(u) : null;

    /// <summary>An address in one canonical text form (IPv4-mapped IPv6 as IPv4), or null when it is not an IP address.</summary>
    public static string? NormalizeAddress(string? address)
    {
        if (!IPAddress.TryParse(address?.Trim('[', ']'), out var parsed))
        {
            return null;
        }

        return (parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed).ToString();
    }

    private static HubError Forbidden(string message) => new(ErrorCode.Forbidden, message);

    private static HubError? CheckReason(string? reason)
        => reason?.Length > MaxReasonChars ? new HubError(ErrorCode.TooLarge, $"reasons are at most {MaxReasonChars} characters") : null;

    private static HubResult<DateTimeOffset?> ExpiryOf(ModerationRequest request, DateTimeOffset now)
    {
        if (request.Duration is not null && request.Until is not null)
        {
            return new HubError(ErrorCode.BadRequest, "give \"duration\" or \"until\", not both");
        }

        if (request.Duration is { } duration)
        {
            return duration <= TimeSpan.Zero || duration > MaxModerationDuration
                ? new HubError(ErrorCode.BadRequest, "\"duration\" must be a positive number of seconds (at most 100 years)")
                : HubResult<DateTimeOffset?>.Ok(now + duration);
        }

        if (request.Until is { } until)
        {
            return until <= now || until - now > MaxModerationDuration
                ? new HubError(ErrorCode.BadRequest, "\"until\" must be in the future (at most 100 years)")
                : HubResult<DateTimeOffset?>.Ok(until);
        }

        return HubResult<DateTimeOffset?>.Ok(null);
    }

    /// <summary>A timed action's reason and expiry, checked together: the reason first, then the end time.</summary>
    private static HubResult<DateTimeOffset?> TermsOf(ModerationRequest request, DateTimeOffset now)
        => CheckReason(request.Reason) is { } bad ? bad : ExpiryOf(request, now);

    private static ModerationRank RankIn(ChatRoom room, ChatUser user)
        => ModerationPolicy.RankOf(user.IsAdmin, room.Owner == user.Key, user.IsRegistered && room.IsModerator(user.Key));

    private static ModerationRank RankIn(ChatRoom room, Target target)
        => ModerationPolicy.RankOf(target.IsAdmin, room.Owner == target.Key, target.Registered && room.IsModerator(target.Key));

    /// <summary>A room that exists and that the actor is in (admins need not be).</summary>
    private async Task<HubResult<ChatRoom>> ModeratedRoomAsync(ChatSession session, string? room)
    {
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var key = RoomNamePolicy.Fold(room!);
        if (await LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        if (!session.User.IsInRoom(key) && !session.User.IsAdmin)
        {
            return new HubError(ErrorCode.NotInRoom, $"you are not in '{chatRoom.Name}'");
        }

        return HubResult<ChatRoom>.Ok(chatRoom);
    }

    private async Task<HubResult<(ChatRoom Room, Target Who)>> RoomAndTargetAsync(ChatSession session, ModerationRequest request, string action, CancellationToken cancellationToken)
    {
        if (request.Room is null)
        {
            return new HubError(ErrorCode.BadRequest, $"\"{action}\" needs \"room\"");
        }

        var resolved = await ModeratedRoomAsync(session, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var target = await FindTargetAsync(request.User, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        return HubResult<(ChatRoom, Target)>.Ok((resolved.Value!, target.Value!));
    }

    private async Task<HubResult<Target>> FindTargetAsync(string? name, CancellationToken cancellationToken, bool allowUnknown = false)
    {
        if (name is null)
        {
            return new HubError(ErrorCode.BadRequest, "\"user\" is required");
        }

        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var nameKey = UserNamePolicy.Fold(name);
        lock (_usersGate)
        {
            if (_online.TryGetValue(nameKey, out var online))
            {
                return HubResult<Target>.Ok(new Target(online.Name, online.Key, nameKey, online.IsRegistered, online.IsAdmin, online));
            }
        }

        if (await _store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false) is { } account)
        {
            var isAdmin = await _store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
            return HubResult<Target>.Ok(new Target(account.Name, account.Key, nameKey, true, isAdmin, null));
        }

        return allowUnknown
            ? HubResult<Target>.Ok(new Target(name, "~" + nameKey, nameKey, false, false, null))
            : new HubError(ErrorCode.NoSuchUser, $"there is no user '{name}'");
    }

    /// <summary>Takes a user out of a room on every device, as a leave with a moderation reason.</summary>
    private async Task RemoveFromRoomAsync(ChatUser user, ChatRoom room, string reason, string? message, string by, CancellationToken cancellationToken)
    {
        user.RemoveRoom(room.Key);
        var overflowed = new List<ChatSession>();
        room.RemoveUser(user, reason, message, _time.GetUtcNow(), overflowed, by);
        foreach (var device in user.Sessions)
        {
            device.Detached(room);
        }

        if (user.IsRegistered)
        {
            await _store.RemoveMemberAsync(room.Key, user.Key, cancellationToken).ConfigureAwait(false);
        }

        DropSlowConsumers(overflowed);
    }

    /// <summary>
    /// Disconnects a user (every device, or only <paramref name="connections"/>): each connection is told
    /// <paramref name="noticeKind"/> first, rooms hear <c>left</c> with <paramref name="reason"/>.
    /// </summary>
    private async Task RemoveFromServerAsync(ChatUser target, string reason, string? message, string by, string noticeKind, DateTimeOffset? until, ChatSession[]? connections)
    {
        var now = _time.GetUtcNow();
        var notice = new ModerationEvent(noticeKind, null, target.Name, by, message, until, now);
        var leaving = connections ?? target.Sessions;
        foreach (var session in leaving)
        {
            session.Connection.TryEnqueue(notice);
        }

        var overflowed = new List<ChatSession>();
        if (connections is null)
        {
            foreach (var key in target.Rooms)
            {
                if (await LoadAsync(key).ConfigureAwait(false) is ChatRoom room)
                {
                    room.RemoveUser(target, reason, message, now, overflowed, by);
                }
            }
        }

        foreach (var session in leaving)
        {
            Disconnect(session, reason);
            session.Connection.Close(flush: true);
        }

        DropSlowConsumers(overflowed);
    }

    private Task AuditAsync(string actor, string action, string? target, string? room, string? reason, string? detail, CancellationToken cancellationToken)
        => _store.AppendAuditAsync(new AuditRecord(0, _time.GetUtcNow(), actor, action, target, room, reason, detail), cancellationToken);
}
