using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Tokens and sessions as system lines: <c>/tokens</c>, <c>/token new|revoke</c>, <c>/sessions</c>, <c>/logout-others</c>.</summary>
internal sealed partial class ChatController
{
    private Task<CommandResult> TokensAsync(ChatCommand.TokenCommand command, CancellationToken cancellationToken) => command.Verb switch
    {
        TokenVerb.List => AttemptAsync("/tokens failed", async () =>
        {
            var tokens = await client.TokensAsync(cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                state.AddSystem(tokens.Count == 0 ? "no named tokens; /token new NAME read,send makes one" : $"tokens ({tokens.Count}):");
                foreach (var token in tokens)
                {
                    state.AddSystem(FormatToken(token));
                }
            });
        }),
        TokenVerb.New => AttemptAsync($"/token new {command.Name} failed", async () =>
        {
            var created = await client.CreateTokenAsync(command.Name!, command.Scopes!, command.Days, cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                state.AddSystem($"token {created.Token.Name} ({string.Join(",", created.Token.Scopes)}) created; copy it now, it is not shown again:");
                state.AddSystem("  " + created.Secret);
            });
        }),
        TokenVerb.Revoke => AttemptAsync($"/token revoke {command.Name} failed", async () =>
        {
            await client.RevokeTokenAsync(command.Name!, cancellationToken).ConfigureAwait(false);
            host.Post(() => state.AddSystem($"token {command.Name} revoked"));
        }),
        TokenVerb.Sessions => AttemptAsync("/sessions failed", async () =>
        {
            var sessions = await client.SessionsAsync(cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                state.AddSystem($"sessions ({sessions.Count}):");
                foreach (var session in sessions)
                {
                    state.AddSystem(FormatSession(session));
                }
            });
        }),
        _ => AttemptAsync("/logout-others failed", async () =>
        {
            var count = await client.RevokeSessionsAsync(null, cancellationToken).ConfigureAwait(false);
            host.Post(() => state.AddSystem(count == 1 ? "1 other session logged out" : $"{count} other sessions logged out"));
        }),
    };

    /// <summary><c>  ci · read,send · created 2026-12-01 · last used 2026-12-07 · never expires</c>.</summary>
    internal static string FormatToken(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return $"  {token.Name} · {string.Join(",", token.Scopes)} · created {Day(token.Created)} · {(token.LastUsed is { } used ? "last used " + Day(used) : "never used")} · {(token.Expires is { } expires ? "expires " + Day(expires) : "never expires")}";
    }

    /// <summary><c>* piazza-tui/0.1 (tcp) · created … · last used … (this one)</c>.</summary>
    internal static string FormatSession(AccountSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"  {(session.Current ? "*" : " ")} {session.Label ?? "unknown"} · created {Day(session.Created)} · last used {Day(session.LastUsed)}{(session.Current ? " (this one)" : "")}";
    }

    private static string Day(DateTimeOffset? at) => at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
