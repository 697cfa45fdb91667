using Piazza.Core;
using Piazza.Core.Tokens;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Tokens and sessions (docs/protocol.md, "Tokens, sessions and bots"): <c>tokens</c>, <c>token_create</c>,
/// <c>token_revoke</c>, <c>sessions</c>, <c>session_revoke</c>, each answered with <c>ok</c>.
/// </summary>
public sealed partial class JsonLinesConnection
{
    private async Task HandleTokensAsync(ChatSession session, ClientFrame frame)
    {
        switch (frame.Type)
        {
            case FrameTypes.Tokens:
                Reply(frame, await _hub.TokensAsync(session).ConfigureAwait(false), list => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Tokens = [.. list.Select(ToWire)] });
                break;
            case FrameTypes.TokenCreate:
                Reply(frame, await _hub.CreateTokenAsync(session, frame.Name, frame.Scopes, frame.Days).ConfigureAwait(false), created => new ServerFrame
                {
                    Type = FrameTypes.Ok,
                    Re = frame.Id,
                    Token = created.Secret,
                    Tokens = [ToWire(created.Info)],
                });
                break;
            case FrameTypes.TokenRevoke:
                Reply(frame, await _hub.RevokeNamedTokenAsync(session, frame.Name).ConfigureAwait(false), _ => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id });
                break;
            case FrameTypes.Sessions:
                Reply(frame, await _hub.SessionsAsync(session).ConfigureAwait(false), list => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Sessions = [.. list.Select(ToWire)] });
                break;
            default: // SessionRevoke
                Reply(frame, await _hub.RevokeSessionsAsync(session, frame.Session, frame.Others == true).ConfigureAwait(false), count => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Count = count });
                break;
        }
    }

    internal static TokenInfo ToWire(NamedTokenInfo token) => new()
    {
        Name = token.Name,
        Scopes = TokenScopes.ToWords(token.Scopes),
        Created = WireTimestamp.Format(token.CreatedAt),
        LastUsed = token.LastUsedAt is { } used ? WireTimestamp.Format(used) : null,
        Expires = token.ExpiresAt is { } expires ? WireTimestamp.Format(expires) : null,
    };

    internal static SessionListing ToWire(SessionInfo session) => new()
    {
        Id = session.Id,
        Label = session.Label,
        Created = WireTimestamp.Format(session.CreatedAt),
        LastUsed = session.LastUsedAt is { } used ? WireTimestamp.Format(used) : null,
        Expires = session.ExpiresAt is { } expires ? WireTimestamp.Format(expires) : null,
        Current = session.Current ? true : null,
    };
}
