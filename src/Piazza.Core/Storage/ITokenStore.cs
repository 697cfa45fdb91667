namespace Piazza.Core.Storage;

/// <summary>
/// A stored token (only its SHA-256 is kept): a session token (<see cref="Name"/> null, every scope, sliding expiry)
/// or a named, long-lived token with <see cref="Scopes"/>. <see cref="ExpiresAt"/> null: a named token that never expires.
/// </summary>
public sealed record TokenRecord(byte[] Hash, string AccountKey, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>A named token's name (unique among the account's live tokens); null for a session token.</summary>
    public string? Name { get; init; }

    /// <summary>A named token's scopes as a comma list (<c>read,send</c>); null for a session token (every scope).</summary>
    public string? Scopes { get; init; }

    /// <summary>What the session was opened from (<c>web</c>, <c>terminal</c>, <c>http curl/8.5</c>); free text, short.</summary>
    public string? Label { get; init; }

    /// <summary>When the token was last used (written at most once per renewal interval); null when never.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    public bool IsNamed => Name is not null;
}

/// <summary>Sessions and named tokens beyond <see cref="IAccountStore"/>'s token calls (revocation and pruning stay there).</summary>
public interface ITokenStore
{
    /// <summary>Stores a token; false when it is named and a live (unrevoked, unexpired at its creation) token of the account has that name.</summary>
    Task<bool> TryAddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>The token with this hash if it is not revoked and has not expired at <paramref name="now"/>; otherwise null.</summary>
    Task<TokenRecord?> FindTokenAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a use: <c>last_used_at</c> = <paramref name="usedAt"/>, and the expiry moved to <paramref name="expiresAt"/> unless null.</summary>
    Task TouchTokenAsync(byte[] tokenHash, DateTimeOffset usedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The account's live tokens (sessions and named) at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string accountKey, DateTimeOffset now, CancellationToken cancellationToken = default);
}
