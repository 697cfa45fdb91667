using System.Text.RegularExpressions;
using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Tokens;

/// <summary>A token that is valid now: its account, its stored row and what it allows.</summary>
public sealed record TokenGrant(AccountRecord Account, TokenRecord Record)
{
    public TokenScope Scopes => Record.IsNamed ? TokenScopes.FromStored(Record.Scopes) : TokenScope.Session;
}

/// <summary>A named token as listed (never its secret).</summary>
public sealed record NamedTokenInfo(string Name, TokenScope Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt);

/// <summary>A new named token: its secret, shown once, and how it is listed.</summary>
public sealed record CreatedToken(string Secret, NamedTokenInfo Info);

/// <summary>A session as listed: <see cref="Id"/> names it for revocation; <see cref="Current"/> is the one asking.</summary>
public sealed record SessionInfo(string Id, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, bool Current);

/// <summary>
/// Session tokens (one per login, sliding: each use renews it, written at most once per <see cref="RenewInterval"/>)
/// and named tokens (long-lived, scoped, one name per account). Revoking ends the live connections that use the
/// token, on every node, through <see cref="CredentialsRevokedSignal"/> (<c>session_revoked</c>).
/// </summary>
internal sealed partial class TokenService(HubContext hub)
{
    /// <summary>A token's use is written (last used, and a session's expiry moved) at most this often.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromHours(1);

    public const int MaxNameChars = 40;
    public const int MaxLabelChars = 100;
    public const int MaxNamedTokens = 50;
    public const int MaxDays = 3650;

    private readonly TokenPruning _pruning = new(hub);

    /// <summary>Mints a session token for a login; <paramref name="label"/> says where from (trimmed to <see cref="MaxLabelChars"/>).</summary>
    public async Task<string> IssueSessionAsync(string accountKey, string? label, CancellationToken cancellationToken)
    {
        await _pruning.PruneWhenDueAsync(cancellationToken).ConfigureAwait(false);
        var token = SessionTokens.Create();
        var now = hub.Now;
        var record = new TokenRecord(SessionTokens.HashOf(token), accountKey, now, now + hub.Options.TokenLifetime) { Label = Trim(label), LastUsedAt = now };
        await hub.Store.TryAddTokenAsync(record, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The grant of a token valid now; its use is recorded (and a session renewed) when the last record is older than <see cref="RenewInterval"/>.</summary>
    public async Task<TokenGrant?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var now = hub.Now;
        var hash = SessionTokens.HashOf(token);
        if (await hub.Store.FindTokenAsync(hash, now, cancellationToken).ConfigureAwait(false) is not { } record
            || await hub.Store.FindAccountAsync(record.AccountKey, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return null;
        }

        if (record.LastUsedAt is not { } used || now - used >= RenewInterval)
        {
            DateTimeOffset? expires = record.IsNamed ? null : now + hub.Options.TokenLifetime;
            await hub.Store.TouchTokenAsync(hash, now, expires, cancellationToken).ConfigureAwait(false);
            record = record with { LastUsedAt = now, ExpiresAt = expires ?? record.ExpiresAt };
        }

        return new TokenGrant(account, record);
    }

    public async Task<HubResult<CreatedToken>> CreateNamedAsync(ChatSession session, string? name, IEnumerable<string>? scopeWords, int? days, CancellationToken cancellationToken)
    {
        if (Refuse(session) is { } refused)
        {
            return refused;
        }

        if (name is null || name.Length is 0 or > MaxNameChars || !NamePattern().IsMatch(name))
        {
            return new HubError(ErrorCode.BadRequest, $"a token name is 1 to {MaxNameChars} letters, digits, '-', '_' or '.'");
        }

        if (!TokenScopes.TryParse(scopeWords, out var scopes, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        if (days is < 1 or > MaxDays)
        {
            return new HubError(ErrorCode.BadRequest, $"a token's lifetime is 1 to {MaxDays} days, or none (it never expires)");
        }

        var now = hub.Now;
        var live = await hub.Store.ListTokensAsync(session.User.Key, now, cancellationToken).ConfigureAwait(false);
        if (live.Count(t => t.IsNamed) >= MaxNamedTokens)
        {
            return new HubError(ErrorCode.Forbidden, $"an account has at most {MaxNamedTokens} named tokens; revoke one first");
        }

        var secret = SessionTokens.Create();
        DateTimeOffset? expires = days is { } d ? now.AddDays(d) : null;
        var record = new TokenRecord(SessionTokens.HashOf(secret), session.User.Key, now, expires) { Name = name, Scopes = TokenScopes.Format(scopes) };
        if (!await hub.Store.TryAddTokenAsync(record, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NameTaken, $"a token named '{name}' exists; revoke it first or choose another name");
        }

        return HubResult<CreatedToken>.Ok(new CreatedToken(secret, new NamedTokenInfo(name, scopes, now, null, expires)));
    }

    public async Task<HubResult<IReadOnlyList<NamedTokenInfo>>> ListNamedAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (Refuse(session) is { } refused)
        {
            return refused;
        }

        var live = await hub.Store.ListTokensAsync(session.User.Key, hub.Now, cancellationToken).ConfigureAwait(false);
        return HubResult<IReadOnlyList<NamedTokenInfo>>.Ok([.. live.Where(t => t.IsNamed).Select(t => new NamedTokenInfo(t.Name!, TokenScopes.FromStored(t.Scopes), t.CreatedAt, t.LastUsedAt, t.ExpiresAt))]);
    }

    public async Task<HubResult<string>> RevokeNamedAsync(ChatSession session, string? name, CancellationToken cancellationToken)
    {
        if (Refuse(session) is { } refused)
        {
            return refused;
        }

        var live = await hub.Store.ListTokensAsync(session.User.Key, hub.Now, cancellationToken).ConfigureAwait(false);
        if (live.FirstOrDefault(t => t.IsNamed && string.Equals(t.Name, name, StringComparison.Ordinal)) is not { } token)
        {
            return new HubError(ErrorCode.NotFound, $"no token named '{name}'");
        }

        await RevokeAsync(token, cancellationToken).ConfigureAwait(false);
        return HubResult<string>.Ok(token.Name!);
    }

    public async Task<HubResult<IReadOnlyList<SessionInfo>>> ListSessionsAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (Refuse(session) is { } refused)
        {
            return refused;
        }

        var current = CurrentHash(session);
        var live = await hub.Store.ListTokensAsync(session.User.Key, hub.Now, cancellationToken).ConfigureAwait(false);
        return HubResult<IReadOnlyList<SessionInfo>>.Ok([.. live.Where(t => !t.IsNamed).Select(t => new SessionInfo(
            IdOf(t.Hash), t.Label, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, current is not null && t.Hash.AsSpan().SequenceEqual(current)))]);
    }

    /// <summary>Revokes one session by id (<paramref name="id"/>), or every session but the current one (<paramref name="others"/>); returns how many.</summary>
    public async Task<HubResult<int>> RevokeSessionsAsync(ChatSession session, string? id, bool others, CancellationToken cancellationToken)
    {
        if (Refuse(session) is { } refused)
        {
            return refused;
        }

        if (others == (id is not null))
        {
            return new HubError(ErrorCode.BadRequest, "name one session by its id, or ask for all others, not both");
        }

        var current = CurrentHash(session);
        var live = await hub.Store.ListTokensAsync(session.User.Key, hub.Now, cancellationToken).ConfigureAwait(false);
        var chosen = live.Where(t => !t.IsNamed && (others
            ? current is null || !t.Hash.AsSpan().SequenceEqual(current)
            : string.Equals(IdOf(t.Hash), id, StringComparison.Ordinal))).ToList();
        if (!others && chosen.Count == 0)
        {
            return new HubError(ErrorCode.NotFound, $"no session '{id}'");
        }

        foreach (var token in chosen)
        {
            await RevokeAsync(token, cancellationToken).ConfigureAwait(false);
        }

        return HubResult<int>.Ok(chosen.Count);
    }

    /// <summary>A session's public id: the first 8 bytes of its token's SHA-256, in hex (it reveals nothing of the token).</summary>
    public static string IdOf(byte[] hash) => Convert.ToHexStringLower(hash, 0, 8);

    private async Task RevokeAsync(TokenRecord token, CancellationToken cancellationToken)
    {
        await hub.Store.RevokeTokenAsync(token.Hash, cancellationToken).ConfigureAwait(false);
        hub.Enact(new CredentialsRevokedSignal(token.AccountKey, token.Hash, null));
    }

    private static byte[]? CurrentHash(ChatSession session) => session.Token is { } token ? SessionTokens.HashOf(token) : null;

    private static HubError? Refuse(ChatSession session)
        => !session.User.IsRegistered ? new HubError(ErrorCode.Forbidden, "guests have no tokens; register first")
            : ScopeRule.Check(session, "tokens");

    private static string? Trim(string? label)
        => string.IsNullOrWhiteSpace(label) ? null : label.Length > MaxLabelChars ? label[..MaxLabelChars] : label;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();
}
