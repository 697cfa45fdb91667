using Microsoft.AspNetCore.Http;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Limits;

/// <summary>
/// The one call an HTTP endpoint that holds its request open (WebSocket <c>/ws</c>, the event stream
/// <c>/api/events</c>) makes to take a place in the per-address limits of long-lived connections, shared with the
/// native doors (<c>--max-connections-per-address</c>, <c>--connections-per-second-per-address</c>):
/// <code>
/// if (longLived.TryEnter(context) is { } refused) return refused;   // JSON 503 too_many_connections, Retry-After: 1
/// try { … serve the stream … } finally { longLived.Exit(context); }
/// </code>
/// </summary>
public sealed class LongLivedConnections(ConnectionLimiter limiter)
{
    /// <summary>Null when admitted (call <see cref="Exit"/> once it ends), else the refusal to answer with.</summary>
    public IResult? TryEnter(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return null;
        }

        return limiter.TryEnterLongLived(address) is { } refusal
            ? HttpErrors.Result(new HubError(ErrorCode.TooManyConnections, refusal, TimeSpan.FromSeconds(1)))
            : null;
    }

    /// <summary>Gives back the place <see cref="TryEnter"/> took.</summary>
    public void Exit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is { } address)
        {
            limiter.ExitLongLived(address);
        }
    }
}
