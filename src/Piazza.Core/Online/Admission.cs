using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Core.Observability;
using Piazza.Protocol;

namespace Piazza.Core.Online;

/// <summary>
/// Sessions coming and going: hello (guest, password, token), register as the first frame, a guest registering
/// its name, request sessions for the HTTP door, and retiring a session when its connection ends.
/// </summary>
internal sealed class Admission(
    HubContext hub, OnlineDirectory online, NameRules names, AccountService accounts, ConversationCache conversations, Attacher attacher,
    Sanctions sanctions, SlowConsumers slowConsumers, Reading.ReadCounter reads)
{
    public async Task<HubResult<ChatSession>> HelloAsync(IChatConnection connection, HelloRequest request, CancellationToken cancellationToken)
    {
        if (request.Token is not null)
        {
            if (await accounts.FindByTokenAsync(request.Token, cancellationToken).ConfigureAwait(false) is not { } grant)
            {
                return new HubError(ErrorCode.AuthFailed, "the token is invalid, expired or revoked; log in with your password");
            }

            if (AccountService.DisabledError(grant.Account) is { } disabled)
            {
                return disabled;
            }

            return await AdmitAsync(connection, grant.Account.Name, registered: true, request.Token, request.Resume, refuseLookAlikes: false, cancellationToken, grant.Scopes, grant.Account.Bot).ConfigureAwait(false);
        }

        if (!UserNamePolicy.IsValid(request.User, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var nameKey = UserNamePolicy.Fold(request.User!);
        if (request.Password is not null)
        {
            var verified = await accounts.VerifyAsync(nameKey, request.Password, request.Address, cancellationToken).ConfigureAwait(false);
            if (!verified.Succeeded)
            {
                return verified.Error!;
            }

            var token = await accounts.IssueTokenAsync(nameKey, LabelOf(connection, request.Client), cancellationToken).ConfigureAwait(false);
            return await AdmitAsync(connection, verified.Value!.Name, registered: true, token, request.Resume, refuseLookAlikes: false, cancellationToken, bot: verified.Value.Bot).ConfigureAwait(false);
        }

        if (!hub.Options.AllowGuests)
        {
            return new HubError(ErrorCode.AuthRequired, "this server needs an account: log in with a password or register");
        }

        if (await hub.Store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new HubError(ErrorCode.NameReserved, $"'{request.User}' is a registered name; log in with its password");
        }

        var guestName = UserNamePolicy.Normalize(request.User!);
        if (await names.CheckNewUserNameAsync(guestName, nameKey, null, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return await AdmitAsync(connection, guestName, registered: false, token: null, request.Resume, refuseLookAlikes: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<HubResult<ChatSession>> RegisterAsync(IChatConnection connection, string? user, string? password, CancellationToken cancellationToken, bool bot = false, string? client = null)
    {
        if (UserNamePolicy.IsValid(user, out _) && sanctions.ServerBanError(UserNamePolicy.Fold(user!), connection.RemoteAddress, isAdmin: false) is { } banned)
        {
            return banned;
        }

        var created = await accounts.CreateAsync(user, password, guest: null, connection.RemoteAddress, cancellationToken, bot).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Error!;
        }

        var token = await accounts.IssueTokenAsync(created.Value!.Key, LabelOf(connection, client), cancellationToken).ConfigureAwait(false);
        return await AdmitAsync(connection, created.Value.Name, registered: true, token, null, refuseLookAlikes: true, cancellationToken, bot: created.Value.Bot).ConfigureAwait(false);
    }

    /// <summary>A connected guest registers its own name: its user becomes that account (rooms kept). Returns the token.</summary>
    public async Task<HubResult<string>> RegisterGuestAsync(ChatSession session, string? user, string? password, CancellationToken cancellationToken)
    {
        var guest = session.User;
        if (guest.IsRegistered)
        {
            return new HubError(ErrorCode.BadRequest, "already logged in to an account");
        }

        if (user is null || UserNamePolicy.Fold(user) != guest.NameKey)
        {
            return new HubError(ErrorCode.BadRequest, $"a guest can register only its own name ('{guest.Name}'); reconnect to register another");
        }

        var created = await accounts.CreateAsync(guest.Name, password, guest, session.Connection.RemoteAddress, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Error!;
        }

        var guestKey = guest.Key;
        guest.BecomeRegistered();
        await online.BecameRegisteredAsync(guest, guestKey, cancellationToken).ConfigureAwait(false);
        foreach (var room in guest.Rooms)
        {
            if (await conversations.LoadAsync(room).ConfigureAwait(false) is ChatRoom chatRoom && chatRoom.TransferOwnership(guestKey, guest.Key))
            {
                // The guest's room is the account's now, and kept like any room an account created.
                await hub.Store.ClaimRoomAsync(room, guest.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var room in guest.Rooms)
        {
            await hub.Store.AddMemberAsync(room, created.Value!.Key, cancellationToken).ConfigureAwait(false);
        }

        var token = await accounts.IssueTokenAsync(created.Value!.Key, session.Connection.Door, cancellationToken).ConfigureAwait(false);
        session.Token = token;
        return HubResult<string>.Ok(token);
    }

    /// <summary>
    /// For request/response doors (HTTP): a session for one request, authenticated by a token. It is not online:
    /// no presence, no live delivery, but it can send and read history in the account's rooms and conversations.
    /// </summary>
    public async Task<HubResult<ChatSession>> OpenRequestSessionAsync(string? token, IChatConnection sink, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new HubError(ErrorCode.AuthFailed, "a bearer token is required");
        }

        if (await accounts.FindByTokenAsync(token, cancellationToken).ConfigureAwait(false) is not { } grant)
        {
            return new HubError(ErrorCode.AuthFailed, "the token is invalid, expired or revoked");
        }

        var account = grant.Account;
        if (AccountService.DisabledError(account) is { } disabled)
        {
            return disabled;
        }

        var isAdmin = await hub.Store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
        if (sanctions.ServerBanError(account.Key, sink.RemoteAddress, isAdmin) is { } banned)
        {
            return banned;
        }

        // An account online on this node acts as that user (its rooms, its devices): a join or a leave over HTTP is
        // then the user's on every device, as one from another device is; other nodes hear it by the usual signals.
        if (online.FindByIdentity(account.Key) is { IsRegistered: true } live)
        {
            return HubResult<ChatSession>.Ok(new ChatSession(live, sink, hub.Now, token) { Scopes = grant.Scopes });
        }

        var user = new ChatUser(account.Name, registered: true) { IsAdmin = isAdmin, IsBot = account.Bot };
        foreach (var room in await hub.Store.RoomsOfAsync(account.Key, cancellationToken).ConfigureAwait(false))
        {
            user.AddRoom(room);
        }

        return HubResult<ChatSession>.Ok(new ChatSession(user, sink, hub.Now, token) { Scopes = grant.Scopes });
    }

    /// <summary>
    /// Credentials were revoked (the store no longer accepts them): every live session here of the account that used
    /// them is told <c>session_revoked</c> and closed; the session that asked keeps the token issued after a password
    /// change. Runs on the node that revoked them and, from its signal, on every other node.
    /// </summary>
    public void EndRevokedSessions(CredentialsRevokedSignal signal)
    {
        var user = online.FindByIdentity(signal.AccountKey);
        var revoked = (user?.Sessions ?? []).Where(s => UsesRevoked(s.Token, signal)).ToList();
        var notice = new SessionRevokedEvent(signal.Notice ?? (signal.RevokedTokenHash is null
            ? "the account's password was changed: log in again"
            : "this session was logged out: log in again"));
        foreach (var session in revoked)
        {
            session.Connection.TryEnqueue(notice);
            Retire(session, LeaveReason.SessionRevoked);
            session.Connection.Close(flush: true);
        }
    }

    /// <summary>What a session list says a login came from: the client's name and the door (<c>piazza-tui/0.1 (tcp)</c>).</summary>
    private static string LabelOf(IChatConnection connection, string? client) => client is null ? connection.Door : $"{client} ({connection.Door})";

    private static bool UsesRevoked(string? token, CredentialsRevokedSignal signal)
    {
        var hash = token is null ? null : SessionTokens.HashOf(token);
        return signal.RevokedTokenHash is { } revoked
            ? hash is not null && hash.AsSpan().SequenceEqual(revoked)
            : hash is null || signal.KeptTokenHash is not { } kept || !hash.AsSpan().SequenceEqual(kept);
    }

    /// <summary>Retires a session (its connection closed); only the first call for a session has an effect.</summary>
    public void Retire(ChatSession session, LeaveReason reason)
    {
        if (!session.TryEnd(reason))
        {
            return;
        }

        HubMetrics.SessionEnded(reason);

        online.Remove(session);
        if (!hub.ShuttingDown)
        {
            var now = hub.Now;
            slowConsumers.Run(overflowed =>
            {
                foreach (var conversation in session.AttachedConversations())
                {
                    conversation.Detach(session, reason, now, overflowed);
                }
            });
        }

        hub.Observer?.SessionLeft(session, reason);
    }

    private async Task<HubResult<ChatSession>> AdmitAsync(
        IChatConnection connection, string name, bool registered, string? token, IReadOnlyDictionary<string, long>? resume, bool refuseLookAlikes, CancellationToken cancellationToken,
        Tokens.TokenScope scopes = Tokens.TokenScope.Session, bool bot = false)
    {
        // Admins are read at each login, so `piazza-server admin create` on a running server takes effect at the next one.
        var nameKey = UserNamePolicy.Fold(name);
        var isAdmin = registered && await hub.Store.IsAdminAsync(nameKey, cancellationToken).ConfigureAwait(false);
        if (sanctions.ServerBanError(nameKey, connection.RemoteAddress, isAdmin) is { } banned)
        {
            return banned;
        }

        var admitted = await online.AdmitAsync(name, registered, isAdmin, connection, token, refuseLookAlikes, cancellationToken).ConfigureAwait(false);
        if (!admitted.Succeeded)
        {
            return admitted;
        }

        var session = admitted.Value!;
        var user = session.User;
        session.Scopes = scopes;
        user.IsBot = bot;

        // A revocation that ran between the token check and admission did not see this session: check once more,
        // now that it is in the directory (a revocation from here on finds it there).
        if (token is not null && await accounts.FindByTokenAsync(token, cancellationToken).ConfigureAwait(false) is not { Account.Disabled: false })
        {
            Retire(session, LeaveReason.SessionRevoked);
            return new HubError(ErrorCode.AuthFailed, "the token is invalid, expired or revoked; log in with your password");
        }

        try
        {
            // Accounts' memberships are all stored, so the store is right even while another device logs in.
            IReadOnlyList<string> rooms = !registered ? [ChatHub.LobbyName] : await hub.Store.RoomsOfAsync(user.Key, cancellationToken).ConfigureAwait(false);
            foreach (var room in rooms)
            {
                user.AddRoom(room);
            }

            // The lobby's users as they will be once this user is in, the first page and the count (the room frame
            // that follows is authoritative): O(page), where the whole list made filling the lobby O(N²).
            var lobbyUsers = new List<PresenceEntry>();
            var lobbyCount = 0;
            if (user.IsInRoom(ChatHub.LobbyName) && await conversations.LoadAsync(ChatHub.LobbyName).ConfigureAwait(false) is ChatRoom lobby
                && lobby.Page(null, ChatHub.PresencePageSize) is { } page)
            {
                lobbyUsers.AddRange(page.Users);
                lobbyCount = page.Count;
                if (!lobby.IsPresent(user))
                {
                    lobbyCount++;
                    if (page.Next is null && lobbyUsers.Count < ChatHub.PresencePageSize)
                    {
                        lobbyUsers.Add(new PresenceEntry(user.Name, session.ConnectedAt, !user.IsRegistered, Bot: user.IsBot));
                    }
                }
            }

            var loaded = new List<Conversation>(rooms.Count);
            foreach (var key in rooms)
            {
                if (await conversations.LoadAsync(key).ConfigureAwait(false) is { } room)
                {
                    loaded.Add(room);
                }
            }

            // Read state: the rooms, then the recent private conversations the login enters (docs/protocol.md).
            IReadOnlyList<string> direct = registered
                ? await hub.Store.ConversationsOfAsync(user.Key, hub.Options.ConversationsOnLogin, cancellationToken).ConfigureAwait(false)
                : [];
            var counts = await reads.CountAsync(user, [.. loaded.Select(r => (r.Key, r.Name)), .. direct.Select(k => (k, k))], cancellationToken).ConfigureAwait(false);

            // Rooms by their display names (the case their creator gave them), not their keys.
            connection.TryEnqueue(new WelcomeEvent(user.Name, registered, token, [.. loaded.Select(r => r.Name)], lobbyUsers, hub.Options.Motd) { Admin = isAdmin, Conversations = counts, LobbyCount = lobbyCount });
            for (var i = 0; i < loaded.Count; i++)
            {
                await attacher.AttachAsync(session, loaded[i], Attacher.ResumePoint(resume, loaded[i].Key), counts[i], cancellationToken).ConfigureAwait(false);
            }

            await attacher.AttachDirectConversationsAsync(session, resume, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Retire(session, LeaveReason.Lost);
            throw;
        }

        hub.Observer?.SessionJoined(session);
        return HubResult<ChatSession>.Ok(session);
    }
}
