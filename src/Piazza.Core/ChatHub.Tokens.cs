using Piazza.Core.Tokens;

namespace Piazza.Core;

/// <summary>
/// Tokens, sessions and bots (docs/protocol.md, "Tokens, sessions and bots"): named scoped tokens, the account's
/// sessions, and the one scope check every door makes (<see cref="ScopeRule"/>).
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>Null when the session may run <paramref name="operation"/> (a protocol word); <c>forbidden</c> naming the missing scope otherwise.</summary>
    public static HubError? CheckScope(ChatSession session, string? operation) => ScopeRule.Check(session, operation);

    /// <summary>Creates a named token (<paramref name="days"/> null: it never expires); its secret is in the answer only.</summary>
    public Task<HubResult<CreatedToken>> CreateTokenAsync(ChatSession session, string? name, IEnumerable<string>? scopes, int? days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.Tokens.CreateNamedAsync(session, name, scopes, days, cancellationToken);
    }

    /// <summary>The account's named tokens (never their secrets).</summary>
    public Task<HubResult<IReadOnlyList<NamedTokenInfo>>> TokensAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.Tokens.ListNamedAsync(session, cancellationToken);
    }

    /// <summary>Revokes a named token; connections that use it end (<c>session_revoked</c>), on every node.</summary>
    public Task<HubResult<string>> RevokeNamedTokenAsync(ChatSession session, string? name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.Tokens.RevokeNamedAsync(session, name, cancellationToken);
    }

    /// <summary>The account's sessions (logins), the asking one marked current.</summary>
    public Task<HubResult<IReadOnlyList<SessionInfo>>> SessionsAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.Tokens.ListSessionsAsync(session, cancellationToken);
    }

    /// <summary>Revokes one session (<paramref name="id"/>) or all but the asking one (<paramref name="others"/>); their connections end. Returns how many.</summary>
    public Task<HubResult<int>> RevokeSessionsAsync(ChatSession session, string? id, bool others, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.Tokens.RevokeSessionsAsync(session, id, others, cancellationToken);
    }
}
