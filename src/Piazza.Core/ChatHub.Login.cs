using Piazza.Core.Accounts;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>Accounts and login: hello (guest, password, token), register, password change.</summary>
public sealed partial class ChatHub
{
    /// <summary>Shortest accepted password: long enough to resist guessing at our throttled rate.</summary>
    public const int MinPasswordLength = 8;

    /// <summary>Longest accepted password: bounds the hashing work one request can cause.</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>Logs a connection in (guest, password or token) and attaches it to its rooms and conversations.</summary>
    public async Task<HubResult<ChatSession>> HelloAsync(IChatConnection connection, HelloRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Token is not null)
        {
            var key = await _store.FindTokenAccountAsync(SessionTokens.HashOf(request.Token), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var account = key is null ? null : await _store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return new HubError(ErrorCode.AuthFailed, "the token is invalid, expired or revoked; log in with your password");
            }

            return await AdmitAsync(connection, account.Name, registered: true, request.Token, request.Resume, cancellationToken).ConfigureAwait(false);
        }

        if (!UserNamePolicy.IsValid(request.User, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var nameKey = UserNamePolicy.Fold(request.User!);
        if (request.Password is not null)
        {
            var verified = await VerifyPasswordAsync(nameKey, request.Password, request.Address, cancellationToken).ConfigureAwait(false);
            if (!verified.Succeeded)
            {
                return verified.Error!;
            }

            var token = await IssueTokenAsync(nameKey, cancellationToken).ConfigureAwait(false);
            return await AdmitAsync(connection, verified.Value!.Name, registered: true, token, request.Resume, cancellationToken).ConfigureAwait(false);
        }

        if (!_options.AllowGuests)
        {
            return new HubError(ErrorCode.AuthRequired, "this server needs an account: log in with a password or register");
        }

        if (await _store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new HubError(ErrorCode.NameReserved, $"'{request.User}' is a registered name; log in with its password");
        }

        var guestName = UserNamePolicy.Normalize(request.User!);
        if (await CheckNewUserNameAsync(guestName, nameKey, null, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return await AdmitAsync(connection, guestName, registered: false, token: null, request.Resume, cancellationToken, refuseLookAlikes: true).ConfigureAwait(false);
    }

    /// <summary>Creates an account and logs the connection in as it (register as the first frame).</summary>
    public async Task<HubResult<ChatSession>> RegisterAsync(IChatConnection connection, string? user, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (UserNamePolicy.IsValid(user, out _) && ServerBanError(UserNamePolicy.Fold(user!), connection.RemoteAddress, isAdmin: false) is { } banned)
        {
            return banned;
        }

        var created = await CreateAccountAsync(user, password, guest: null, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Error!;
        }

        var token = await IssueTokenAsync(created.Value!.Key, cancellationToken).ConfigureAwait(false);
        return await AdmitAsync(connection, created.Value.Name, registered: true, token, null, cancellationToken, refuseLookAlikes: true).ConfigureAwait(false);
    }

    /// <summary>A connected guest registers its own name: its user becomes that account (rooms kept). Returns the token.</summary>
    public async Task<HubResult<string>> RegisterGuestAsync(ChatSession session, string? user, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.User.IsRegistered)
        {
            return new HubError(ErrorCode.BadRequest, "already logged in to an account");
        }

        if (user is null || UserNamePolicy.Fold(user) != session.User.NameKey)
        {
            return new HubError(ErrorCode.BadRequest, $"a guest can register only its own name ('{session.User.Name}'); reconnect to register another");
        }

        var created = await CreateAccountAsync(session.User.Name, password, session.User, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Error!;
        }

        var guestKey = session.User.Key;
        session.User.BecomeRegistered();
        foreach (var room in session.User.Rooms)
        {
            if (await LoadAsync(room).ConfigureAwait(false) is ChatRoom chatRoom)
            {
                chatRoom.TransferOwnership(guestKey, session.User.Key);
            }
        }

        foreach (var room in session.User.Rooms)
        {
            await _store.AddMemberAsync(room, created.Value!.Key, cancellationToken).ConfigureAwait(false);
        }

        var token = await IssueTokenAsync(created.Value!.Key, cancellationToken).ConfigureAwait(false);
        session.Token = token;
        return HubResult<string>.Ok(token);
    }

    /// <summary>Changes the password (the current one is required), revokes every token and returns a new one.</summary>
    public async Task<HubResult<string>> ChangePasswordAsync(ChatSession session, string? current, string? next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.User.IsRegistered)
        {
            return new HubError(ErrorCode.Forbidden, "guests have no password; register first");
        }

        if (!IsAcceptablePassword(next, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var verified = await VerifyPasswordAsync(session.User.Key, current ?? "", session.Connection.RemoteAddress, cancellationToken).ConfigureAwait(false);
        if (!verified.Succeeded)
        {
            return verified.Error!;
        }

        var hash = await HashAsync(next!, cancellationToken).ConfigureAwait(false);
        await _store.UpdatePasswordAsync(session.User.Key, hash, cancellationToken).ConfigureAwait(false);
        await _store.RevokeAllTokensAsync(session.User.Key, cancellationToken).ConfigureAwait(false);
        var token = await IssueTokenAsync(session.User.Key, cancellationToken).ConfigureAwait(false);
        session.Token = token;
        return HubResult<string>.Ok(token);
    }

    /// <summary>
    /// For request/response doors (HTTP): checks a password and issues a token, without connecting anybody.
    /// Same throttling and answers as a <c>hello</c> with a password.
    /// </summary>
    public async Task<HubResult<(string Token, string User)>> LoginForTokenAsync(string? user, string? password, string address, CancellationToken cancellationToken = default)
    {
        if (!UserNamePolicy.IsValid(user, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var verified = await VerifyPasswordAsync(UserNamePolicy.Fold(user!), password ?? "", address, cancellationToken).ConfigureAwait(false);
        if (!verified.Succeeded)
        {
            return verified.Error!;
        }

        var token = await IssueTokenAsync(verified.Value!.Key, cancellationToken).ConfigureAwait(false);
        return HubResult<(string, string)>.Ok((token, verified.Value.Name));
    }

    /// <summary>For request/response doors (HTTP): creates an account and issues a token.</summary>
    public async Task<HubResult<(string Token, string User)>> RegisterForTokenAsync(string? user, string? password, CancellationToken cancellationToken = default)
    {
        var created = await CreateAccountAsync(user, password, guest: null, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Error!;
        }

        var token = await IssueTokenAsync(created.Value!.Key, cancellationToken).ConfigureAwait(false);
        return HubResult<(string, string)>.Ok((token, created.Value.Name));
    }

    /// <summary>
    /// For request/response doors (HTTP): a session for one request, authenticated by a token. It is not online:
    /// no presence, no live delivery (its connection is <paramref name="sink"/>), but it can send and read history
    /// in the account's rooms and conversations.
    /// </summary>
    public async Task<HubResult<ChatSession>> OpenRequestSessionAsync(string? token, IChatConnection sink, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new HubError(ErrorCode.AuthFailed, "a bearer token is required");
        }

        var key = await _store.FindTokenAccountAsync(SessionTokens.HashOf(token), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var account = key is null ? null : await _store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new HubError(ErrorCode.AuthFailed, "the token is invalid, expired or revoked");
        }

        var isAdmin = await _store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
        if (ServerBanError(account.Key, sink.RemoteAddress, isAdmin) is { } banned)
        {
            return banned;
        }

        var user = new ChatUser(account.Name, registered: true) { IsAdmin = isAdmin };
        foreach (var room in await _store.RoomsOfAsync(account.Key, cancellationToken).ConfigureAwait(false))
        {
            user.AddRoom(room);
        }

        return HubResult<ChatSession>.Ok(new ChatSession(user, sink, _time.GetUtcNow(), token));
    }

    /// <summary>Revokes the session's token (logging out everywhere that token is used).</summary>
    public async Task RevokeTokenAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Token is { } token)
        {
            await _store.RevokeTokenAsync(SessionTokens.HashOf(token), cancellationToken).ConfigureAwait(false);
            session.Token = null;
        }
    }

    private static bool IsAcceptablePassword(string? password, out string problem)
    {
        problem = password switch
        {
            null => "a password is required",
            { Length: < MinPasswordLength } => $"passwords are at least {MinPasswordLength} characters",
            { Length: > MaxPasswordLength } => $"passwords are at most {MaxPasswordLength} characters",
            _ => "",
        };
        return problem.Length == 0;
    }

    private async Task<HubResult<AccountRecord>> CreateAccountAsync(string? user, string? password, ChatUser? guest, CancellationToken cancellationToken)
    {
        if (!UserNamePolicy.IsValid(user, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        if (!IsAcceptablePassword(password, out problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        user = UserNamePolicy.Normalize(user!);
        var key = UserNamePolicy.Fold(user);
        lock (_usersGate)
        {
            if (_online.TryGetValue(key, out var holder) && holder != guest)
            {
                return new HubError(ErrorCode.NameTaken, $"'{user}' is in use right now");
            }
        }

        if (await CheckNewUserNameAsync(user, key, guest, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var hash = await HashAsync(password!, cancellationToken).ConfigureAwait(false);
        var account = new AccountRecord(key, user!, hash, _time.GetUtcNow());
        if (!await _store.TryCreateAccountAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NameTaken, $"'{user}' is already registered");
        }

        if (guest is null)
        {
            await _store.AddMemberAsync(LobbyName, key, cancellationToken).ConfigureAwait(false);
        }

        if (_options.FirstUserIsAdmin)
        {
            await MaybeFirstAdminAsync(account, cancellationToken).ConfigureAwait(false);
        }

        return HubResult<AccountRecord>.Ok(account);
    }

    private async Task<HubResult<AccountRecord>> VerifyPasswordAsync(string key, string password, string address, CancellationToken cancellationToken)
    {
        var wait = _throttle.RetryAfter(key, address);
        if (wait > TimeSpan.Zero)
        {
            return new HubError(ErrorCode.RateLimited, $"too many failed logins; retry in {Math.Ceiling(wait.TotalSeconds)} s", wait);
        }

        var account = await _store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false);
        var needsRehash = false;

        // The same work whether or not the account exists, so timing does not reveal which names are registered.
        var ok = await RunHashingAsync(() => PasswordHasher.Verify(password, account?.PasswordHash ?? _dummyHash, _hasher.Iterations, out needsRehash), cancellationToken).ConfigureAwait(false);
        if (!ok || account is null)
        {
            _throttle.Failed(key, address);
            return new HubError(ErrorCode.AuthFailed, "wrong user name or password");
        }

        _throttle.Succeeded(key);
        if (needsRehash)
        {
            await _store.UpdatePasswordAsync(key, await HashAsync(password, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        return HubResult<AccountRecord>.Ok(account);
    }

    private Task<string> HashAsync(string password, CancellationToken cancellationToken)
        => RunHashingAsync(() => _hasher.Hash(password), cancellationToken);

    /// <summary>Runs hashing on the hashing threads, never on the thread pool (see <see cref="PasswordHashingWorkers"/>).</summary>
    private Task<T> RunHashingAsync<T>(Func<T> work, CancellationToken cancellationToken)
        => _hashing.RunAsync(work, cancellationToken);

    private async Task<string> IssueTokenAsync(string accountKey, CancellationToken cancellationToken)
    {
        var token = SessionTokens.Create();
        await _store.AddTokenAsync(SessionTokens.HashOf(token), accountKey, _time.GetUtcNow() + _options.TokenLifetime, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>
    /// The rules a name must pass when it is taken now (guest hello, registration), beyond the syntax: a single
    /// look-alike script, and no account or online user with the same skeleton under another name.
    /// </summary>
    private async Task<HubError?> CheckNewUserNameAsync(string name, string nameKey, ChatUser? self, CancellationToken cancellationToken)
    {
        if (!UserNamePolicy.IsAcceptableNew(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var skeleton = NameSkeleton.Of(name);
        if (await _store.FindConfusableAccountAsync(skeleton, nameKey, cancellationToken).ConfigureAwait(false) is { } account)
        {
            return Confusable(name, account);
        }

        lock (_usersGate)
        {
            return OnlineLookAlike(skeleton, nameKey, self) is { } online ? Confusable(name, online.Name) : null;
        }
    }

    private static HubError Confusable(string name, string existing)
        => new(ErrorCode.NameConfusable, $"'{name}' looks too much like '{existing}', which is taken; choose a more distinct name");

    /// <summary>An online user other than <paramref name="self"/> whose name has this skeleton but another key. Under <see cref="_usersGate"/>.</summary>
    private ChatUser? OnlineLookAlike(string skeleton, string nameKey, ChatUser? self)
    {
        if (_onlineSkeletons.TryGetValue(skeleton, out var holders))
        {
            foreach (var holder in holders)
            {
                if (holder != self && holder.NameKey != nameKey)
                {
                    return holder;
                }
            }
        }

        return null;
    }

    private async Task<HubResult<ChatSession>> AdmitAsync(
        IChatConnection connection, string name, bool registered, string? token, IReadOnlyDictionary<string, long>? resume, CancellationToken cancellationToken,
        bool refuseLookAlikes = false)
    {
        // Admins are read at each login, so `piazza-server admin create` on a running server takes effect at the next one.
        var isAdmin = registered && await _store.IsAdminAsync(UserNamePolicy.Fold(name), cancellationToken).ConfigureAwait(false);
        if (ServerBanError(UserNamePolicy.Fold(name), connection.RemoteAddress, isAdmin) is { } banned)
        {
            return banned;
        }

        ChatUser user;
        ChatSession session;
        lock (_usersGate)
        {
            var nameKey = UserNamePolicy.Fold(name);
            if (_online.TryGetValue(nameKey, out var existing))
            {
                if (!registered || !existing.IsRegistered)
                {
                    return new HubError(ErrorCode.NameTaken, $"'{name}' is already connected");
                }

                user = existing;
            }
            else
            {
                // Checked again here, under the lock, so two look-alike guests arriving together cannot both get in.
                var skeleton = NameSkeleton.Of(name);
                if (refuseLookAlikes && OnlineLookAlike(skeleton, nameKey, null) is { } lookAlike)
                {
                    return Confusable(name, lookAlike.Name);
                }

                user = new ChatUser(name, registered);
                _online[nameKey] = user;
                if (!_onlineSkeletons.TryGetValue(skeleton, out var holders))
                {
                    _onlineSkeletons[skeleton] = holders = [];
                }

                holders.Add(user);
            }

            user.IsAdmin = isAdmin;
            session = new ChatSession(user, connection, _time.GetUtcNow(), token);
            user.AddSession(session);
        }

        try
        {
            // Accounts' memberships are all stored, so the store is right even while another device logs in.
            IReadOnlyList<string> rooms = !registered ? [LobbyName]
                : await _store.RoomsOfAsync(user.Key, cancellationToken).ConfigureAwait(false);
            foreach (var room in rooms)
            {
                user.AddRoom(room);
            }

            // The lobby's users as they will be once this user is in (the room frame that follows is authoritative).
            var lobbyUsers = new List<PresenceEntry>();
            if (user.IsInRoom(LobbyName) && await LoadAsync(LobbyName).ConfigureAwait(false) is ChatRoom lobby)
            {
                lobbyUsers.AddRange(lobby.Presence());
                if (!lobby.IsPresent(user))
                {
                    lobbyUsers.Add(new PresenceEntry(user.Name, session.ConnectedAt));
                }
            }

            var loaded = new List<Conversation>(rooms.Count);
            foreach (var key in rooms)
            {
                if (await LoadAsync(key).ConfigureAwait(false) is { } room)
                {
                    loaded.Add(room);
                }
            }

            // Rooms by their display names (the case their creator gave them), not their keys.
            connection.TryEnqueue(new WelcomeEvent(user.Name, registered, token, [.. loaded.Select(r => r.Name)], lobbyUsers, _options.Motd) { Admin = isAdmin });
            foreach (var room in loaded)
            {
                await AttachAsync(session, room, ResumePoint(resume, room.Key), cancellationToken).ConfigureAwait(false);
            }

            await AttachDirectConversationsAsync(session, resume, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Disconnect(session, "lost");
            throw;
        }

        _observer?.SessionJoined(session);
        return HubResult<ChatSession>.Ok(session);
    }

    private async Task AttachDirectConversationsAsync(ChatSession session, IReadOnlyDictionary<string, long>? resume, CancellationToken cancellationToken)
    {
        var user = session.User;
        var keys = new List<string>();
        if (user.IsRegistered)
        {
            keys.AddRange(await _store.ConversationsOfAsync(user.Key, _options.ConversationsOnLogin, cancellationToken).ConfigureAwait(false));
        }

        foreach (var key in resume?.Keys ?? [])
        {
            var folded = key.ToLowerInvariant();
            if (DirectConversationId.TryParse(folded, out var a, out var b) && (a == user.Key || b == user.Key) && !keys.Contains(folded))
            {
                keys.Add(folded);
            }
        }

        foreach (var key in keys)
        {
            if (await LoadAsync(key).ConfigureAwait(false) is { } conversation)
            {
                await AttachAsync(session, conversation, ResumePoint(resume, key), cancellationToken).ConfigureAwait(false);
            }
        }

        session.IsReady = true;

        // A conversation that started while this session was logging in: attach it now, from its start.
        foreach (var entry in _conversations)
        {
            if (entry.Value.IsValueCreated && entry.Value.Value.IsCompletedSuccessfully && entry.Value.Value.Result is DirectConversation direct
                && DirectConversationId.TryParse(direct.Key, out var a, out var b) && (a == user.Key || b == user.Key)
                && Array.IndexOf(direct.Subscribers, session) < 0)
            {
                await AttachAsync(session, direct, ResumePoint(resume, direct.Key) ?? 0, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static long? ResumePoint(IReadOnlyDictionary<string, long>? resume, string key)
    {
        if (resume is null)
        {
            return null;
        }

        foreach (var (name, seq) in resume)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return Math.Max(0, seq);
            }
        }

        return null;
    }
}
