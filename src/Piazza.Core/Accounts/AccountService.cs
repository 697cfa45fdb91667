using Piazza.Core.Cluster;
using Piazza.Core.Observability;
using Piazza.Core.Online;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Accounts;

/// <summary>
/// Accounts: creating them, checking passwords (throttled, hashed off the thread pool), tokens, password changes,
/// and the first admin. Knows nothing of connections; <see cref="Admission"/> logs connections in with it.
/// </summary>
internal sealed partial class AccountService(HubContext hub, OnlineDirectory online, NameRules names) : IDisposable
{
    private readonly PasswordHasher _hasher = new(hub.Options.PasswordIterations);
    private readonly LoginThrottle _throttle = new(hub.Options.Login, hub.Time);
    private readonly PasswordHashingWorkers _hashing = new(Math.Max(1, Environment.ProcessorCount - 1), hub.Options.Login.MaxQueuedHashes);
    private readonly Tokens.TokenService _tokens = new(hub);
    private string _dummyHash = "";

    // 1 while a registration decides whether it is the first admin: a concurrent one skips the check (nobody waits).
    private int _firstAdminDeciding;

    /// <summary>Verifying against this when an account does not exist makes "no such user" cost what "wrong password" costs.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
        => _dummyHash = await HashAsync(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), cancellationToken).ConfigureAwait(false);

    public static bool IsAcceptablePassword(string? password, out string problem)
    {
        problem = password switch
        {
            null => "a password is required",
            { Length: < ChatHub.MinPasswordLength } => $"passwords are at least {ChatHub.MinPasswordLength} characters",
            { Length: > ChatHub.MaxPasswordLength } => $"passwords are at most {ChatHub.MaxPasswordLength} characters",
            _ => "",
        };
        return problem.Length == 0;
    }

    /// <summary>Session and named tokens (docs/protocol.md, "Tokens, sessions and bots").</summary>
    internal Tokens.TokenService Tokens => _tokens;

    /// <summary>The workers every password hash runs on (tests fill their queue to show what does not wait on it).</summary>
    internal PasswordHashingWorkers Hashing => _hashing;

    /// <summary>Creates an account for the operator (not throttled: no address asks).</summary>
    public Task<HubResult<AccountRecord>> CreateAsync(string? user, string? password, ChatUser? guest, CancellationToken cancellationToken)
        => CreateAsync(user, password, guest, address: null, cancellationToken);

    /// <summary>
    /// Creates an account (for a connected guest registering its own name: <paramref name="guest"/>), throttled per
    /// <paramref name="address"/> (null: the operator, not throttled) and refused while the hashing queue is full.
    /// </summary>
    public async Task<HubResult<AccountRecord>> CreateAsync(string? user, string? password, ChatUser? guest, string? address, CancellationToken cancellationToken, bool bot = false)
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
        if (await online.Claims.FindAsync(key, cancellationToken).ConfigureAwait(false) is { } holder && holder.Identity != guest?.Key)
        {
            return new HubError(ErrorCode.NameTaken, $"'{user}' is in use right now");
        }

        if (await names.CheckNewUserNameAsync(user, key, guest?.Key, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (address is not null && _throttle.TryBeginRegistration(address) is { } throttled)
        {
            return throttled;
        }

        if (!_hashing.TryQueue(() => _hasher.Hash(password!), cancellationToken, out var hashing))
        {
            return HashingBusy();
        }

        var account = new AccountRecord(key, user!, await hashing.ConfigureAwait(false), hub.Now) { Bot = bot };
        if (!await hub.Store.TryCreateAccountAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NameTaken, $"'{user}' is already registered");
        }

        if (guest is null)
        {
            await hub.Store.AddMemberAsync(ChatHub.LobbyName, key, cancellationToken).ConfigureAwait(false);
        }

        if (hub.Options.FirstUserIsAdmin)
        {
            await MaybeFirstAdminAsync(account, cancellationToken).ConfigureAwait(false);
        }

        return HubResult<AccountRecord>.Ok(account);
    }

    /// <summary>
    /// Checks a password, throttled per address and per (account, address) (<see cref="LoginThrottle"/>) and refused
    /// while the hashing queue is full; re-hashes a hash made at a lower cost.
    /// </summary>
    public async Task<HubResult<AccountRecord>> VerifyAsync(string key, string password, string address, CancellationToken cancellationToken)
    {
        if (_throttle.TryBeginLogin(key, address) is { } throttled)
        {
            return throttled;
        }

        var account = await hub.Store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false);
        var needsRehash = false;

        // The same work whether or not the account exists, so timing does not reveal which names are registered.
        if (!_hashing.TryQueue(() => PasswordHasher.Verify(password, account?.PasswordHash ?? _dummyHash, _hasher.Iterations, out needsRehash), cancellationToken, out var verifying))
        {
            return HashingBusy();
        }

        if (!await verifying.ConfigureAwait(false) || account is null)
        {
            _throttle.Failed(key, address);
            return new HubError(ErrorCode.AuthFailed, "wrong user name or password");
        }

        _throttle.Succeeded(key, address);
        if (DisabledError(account) is { } disabled)
        {
            return disabled; // told only to whoever knows the password
        }

        // Best effort: with the queue full the old hash still works, and the next login upgrades it.
        if (needsRehash && _hashing.TryQueue(() => _hasher.Hash(password), cancellationToken, out var rehashing))
        {
            await hub.Store.UpdatePasswordAsync(key, await rehashing.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        return HubResult<AccountRecord>.Ok(account);
    }

    /// <summary>Changes the password (the current one is required), revokes every token and returns a new one.</summary>
    public async Task<HubResult<string>> ChangePasswordAsync(ChatSession session, string? current, string? next, CancellationToken cancellationToken)
    {
        if (!session.User.IsRegistered)
        {
            return new HubError(ErrorCode.Forbidden, "guests have no password; register first");
        }

        if (!IsAcceptablePassword(next, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var verified = await VerifyAsync(session.User.Key, current ?? "", session.Connection.RemoteAddress, cancellationToken).ConfigureAwait(false);
        if (!verified.Succeeded)
        {
            return verified.Error!;
        }

        var hash = await HashAsync(next!, cancellationToken).ConfigureAwait(false);
        await hub.Store.UpdatePasswordAsync(session.User.Key, hash, cancellationToken).ConfigureAwait(false);
        await hub.Store.RevokeAllTokensAsync(session.User.Key, cancellationToken).ConfigureAwait(false);
        var token = await IssueTokenAsync(session.User.Key, session.Connection.Door, cancellationToken).ConfigureAwait(false);
        session.Token = token;
        hub.Enact(new CredentialsRevokedSignal(session.User.Key, null, SessionTokens.HashOf(token)));
        return HubResult<string>.Ok(token);
    }

    /// <summary>The account a token belongs to and what it allows, if it is valid now (a session token in use slides).</summary>
    public Task<Tokens.TokenGrant?> FindByTokenAsync(string token, CancellationToken cancellationToken)
        => _tokens.FindAsync(token, cancellationToken);

    /// <summary>A new session token for a login; <paramref name="label"/> says where from (the session list shows it).</summary>
    public Task<string> IssueTokenAsync(string accountKey, string? label, CancellationToken cancellationToken)
        => _tokens.IssueSessionAsync(accountKey, label, cancellationToken);

    public async Task RevokeTokenAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (session.Token is { } token)
        {
            await hub.Store.RevokeTokenAsync(SessionTokens.HashOf(token), cancellationToken).ConfigureAwait(false);
            session.Token = null;
            hub.Enact(new CredentialsRevokedSignal(session.User.Key, SessionTokens.HashOf(token), null));
        }
    }

    public void Dispose() => _hashing.Dispose();

    private HubError HashingBusy()
    {
        var wait = _hashing.RetryAfter;
        return HubMetrics.Refusal(RateLimitKind.Logins, $"the server is busy checking passwords; try again in {wait.TotalSeconds:0} s", wait);
    }

    private Task<string> HashAsync(string password, CancellationToken cancellationToken) => _hashing.RunAsync(() => _hasher.Hash(password), cancellationToken);

    /// <summary>The first account registered while no admin exists becomes admin (when configured). No lock across the awaits.</summary>
    private async Task MaybeFirstAdminAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _firstAdminDeciding, 1, 0) != 0)
        {
            return; // another registration is deciding right now; it, not this one, is first
        }

        try
        {
            if ((await hub.Store.AdminsAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                await hub.Store.SetAdminAsync(account.Key, admin: true, hub.Now, cancellationToken).ConfigureAwait(false);
                await hub.Store.AppendAuditAsync(new AuditRecord(0, hub.Now, ChatHub.ServerName, "admin", account.Name, null, null, "first registered user"), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _firstAdminDeciding, 0);
        }
    }
}
