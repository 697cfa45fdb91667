using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Tokens and sessions (docs/protocol.md, "Tokens, sessions and bots"). Each needs a password session (<c>forbidden</c> on a named token).</summary>
public sealed partial class PiazzaClient
{
    /// <summary>Creates a named token with <paramref name="scopes"/> (<c>read</c>, <c>send</c>, <c>moderate</c>); <paramref name="days"/> null: it never expires. The secret is returned once.</summary>
    public async Task<CreatedApiToken> CreateTokenAsync(string name, IReadOnlyList<string> scopes, int? days = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(scopes);
        var answer = await RequestAsync(new ClientFrame { Type = FrameTypes.TokenCreate, Name = name, Scopes = [.. scopes], Days = days }, Repeat.Never, cancellationToken).ConfigureAwait(false);
        return new CreatedApiToken(answer.Token ?? "", ToToken(answer.Tokens![0]));
    }

    /// <summary>The account's named tokens (never their secrets).</summary>
    public async Task<IReadOnlyList<ApiToken>> TokensAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { Type = FrameTypes.Tokens }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return [.. (answer.Tokens ?? []).Select(ToToken)];
    }

    /// <summary>Revokes a named token; connections using it end. <c>not_found</c> when there is none.</summary>
    public Task RevokeTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RequestAsync(new ClientFrame { Type = FrameTypes.TokenRevoke, Name = name }, Repeat.Never, cancellationToken);
    }

    /// <summary>The account's sessions (logins), this connection's marked <see cref="AccountSession.Current"/>.</summary>
    public async Task<IReadOnlyList<AccountSession>> SessionsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await RequestAsync(new ClientFrame { Type = FrameTypes.Sessions }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return [.. (answer.Sessions ?? []).Select(s => new AccountSession(s.Id, s.Label, Time(s.Created), Time(s.LastUsed), Time(s.Expires), s.Current == true))];
    }

    /// <summary>Logs out one session by id, or (<paramref name="id"/> null) every session but this one; returns how many.</summary>
    public async Task<int> RevokeSessionsAsync(string? id, CancellationToken cancellationToken = default)
    {
        var frame = id is null ? new ClientFrame { Type = FrameTypes.SessionRevoke, Others = true } : new ClientFrame { Type = FrameTypes.SessionRevoke, Session = id };
        var answer = await RequestAsync(frame, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return answer.Count ?? 0;
    }

    private static ApiToken ToToken(TokenInfo t) => new(t.Name, t.Scopes, Time(t.Created), Time(t.LastUsed), Time(t.Expires));

    private static DateTimeOffset? Time(string? text)
        => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

/// <summary>A named token as listed: name, scopes, created, last used (null until used), expires (null: never).</summary>
public sealed record ApiToken(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? Created, DateTimeOffset? LastUsed, DateTimeOffset? Expires);

/// <summary>A new named token: its <see cref="Secret"/> (shown once) and how it is listed.</summary>
public sealed record CreatedApiToken(string Secret, ApiToken Token);

/// <summary>A session of the account: <see cref="Id"/> for <see cref="PiazzaClient.RevokeSessionsAsync"/>, where it was opened, its times, and whether it is this one.</summary>
public sealed record AccountSession(string Id, string? Label, DateTimeOffset? Created, DateTimeOffset? LastUsed, DateTimeOffset? Expires, bool Current);
