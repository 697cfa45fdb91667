using Piazza.Protocol;

namespace Piazza.Core.Tokens;

/// <summary>
/// The one scope check: which scope each operation needs, keyed by the operation's protocol word (a frame type; the
/// HTTP door names each request by the same words). Every door asks <see cref="Check"/> once per request, before the
/// facade runs it. An operation not in the table needs <see cref="TokenScope.Account"/> (a password session), so a
/// new operation is refused to named tokens until it is given a scope here.
/// </summary>
public static class ScopeRule
{
    private static readonly Dictionary<string, TokenScope> Needed = new(StringComparer.Ordinal)
    {
        [FrameTypes.Who] = TokenScope.Read,
        [FrameTypes.Rooms] = TokenScope.Read,
        [FrameTypes.History] = TokenScope.Read,
        [FrameTypes.Search] = TokenScope.Read,
        [FrameTypes.Pins] = TokenScope.Read,
        [FrameTypes.Versions] = TokenScope.Read,

        [FrameTypes.Send] = TokenScope.Send,
        [FrameTypes.Edit] = TokenScope.Send,
        [FrameTypes.Delete] = TokenScope.Send,
        [FrameTypes.React] = TokenScope.Send,
        [FrameTypes.Unreact] = TokenScope.Send,
        [FrameTypes.Read] = TokenScope.Send,
        [FrameTypes.Join] = TokenScope.Send,
        [FrameTypes.Leave] = TokenScope.Send,
        [FrameTypes.Typing] = TokenScope.Send,
        [FrameTypes.Away] = TokenScope.Send,
        [FrameTypes.Topic] = TokenScope.Send,

        [FrameTypes.Kick] = TokenScope.Moderate,
        [FrameTypes.Ban] = TokenScope.Moderate,
        [FrameTypes.Unban] = TokenScope.Moderate,
        [FrameTypes.Mute] = TokenScope.Moderate,
        [FrameTypes.Unmute] = TokenScope.Moderate,
        [FrameTypes.Op] = TokenScope.Moderate,
        [FrameTypes.Deop] = TokenScope.Moderate,
        [FrameTypes.Pin] = TokenScope.Moderate,
        [FrameTypes.Unpin] = TokenScope.Moderate,
        [FrameTypes.Invite] = TokenScope.Moderate,
        [FrameTypes.Uninvite] = TokenScope.Moderate,
        [FrameTypes.RoomSet] = TokenScope.Moderate,

        // Any token may log itself out.
        [FrameTypes.Logout] = TokenScope.None,

        // Server administration (docs/admin.md) resets passwords and disables accounts: a password session only, so a
        // leaked long-lived named token never carries it.
        [AdminOperation] = TokenScope.Account,
    };

    /// <summary>The word the HTTP door names every <c>/api/admin/…</c> request by.</summary>
    public const string AdminOperation = "admin";

    /// <summary>The scope <paramref name="operation"/> needs.</summary>
    public static TokenScope Required(string? operation)
        => operation is not null && Needed.TryGetValue(operation, out var scope) ? scope : TokenScope.Account;

    /// <summary>Null when <paramref name="session"/> may run <paramref name="operation"/>; otherwise <c>forbidden</c> naming the missing scope.</summary>
    public static HubError? Check(ChatSession session, string? operation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var needed = Required(operation);
        if ((session.Scopes & needed) == needed)
        {
            return null;
        }

        return needed == TokenScope.Account
            ? new HubError(ErrorCode.Forbidden, $"'{operation}' needs a password session; a named token cannot do it")
            : new HubError(ErrorCode.Forbidden, $"'{operation}' needs the '{TokenScopes.Format(needed)}' scope, which this token does not have");
    }
}
