using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Connections;
using Piazza.Server.Doors.Http;
using Piazza.Server.Limits;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// The WebSocket door at <c>/ws</c>: protocol v1 frames, one per text message, with the same limits, errors and
/// behaviour as the TCP door (the same <see cref="JsonLinesConnection"/> runs over a <see cref="WebSocketTransport"/>).
/// </summary>
public static partial class WebSocketDoor
{
    public const string Path = "/ws";

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The server pings (a KeepAliveTimeout makes .NET send pings, not unsolicited pongs), every half --idle-timeout.
        // A peer that answers none for 2 × --idle-timeout is dropped by the runtime, with no close frame (it can send
        // none then); a silent one is closed well before that by the protocol's heartbeat with 4001 "timeout", at 1.5 ×
        // --idle-timeout of silence, so the runtime's drop only ends peers that send frames but never answer pings.
        var connections = app.Services.GetRequiredService<ConnectionOptions>();
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = connections.IdleTimeout / 2,
            KeepAliveTimeout = connections.IdleTimeout * 2,
        });
        app.Map(Path, HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILogger<JsonLinesConnection>>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("this endpoint speaks WebSocket (protocol v1 frames, one per text message)\n").ConfigureAwait(false);
            return;
        }

        var options = services.GetRequiredService<ConnectionOptions>();
        if (!OriginAllowed(context.Request, services.GetRequiredService<PublicOrigins>()))
        {
            OriginRefused(logger, LogText.Of(context.Request.Headers.Origin.ToString()), LogText.Of(context.Request.Host.Value ?? ""), context.Connection.RemoteIpAddress?.ToString() ?? "?");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        // Every WebSocket takes a place of its own in the per-address limits of long-lived connections (an HTTP
        // connection as such does not: short requests are limited by rate), also each of several on one HTTP/2
        // connection, so the limit bounds outboxes per address.
        var slots = services.GetRequiredService<WebSocketSlots>();
        var longLived = services.GetRequiredService<LongLivedConnections>();
        if (longLived.TryEnter(context) is { } refused)
        {
            await refused.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var connectionId = context.Connection.Id;
        slots.Enter(connectionId);
        try
        {
            await RunAsync(context, options, logger).ConfigureAwait(false);
        }
        finally
        {
            slots.Exit(connectionId);
            longLived.Exit(context);
        }
    }

    private static async Task RunAsync(HttpContext context, ConnectionOptions options, ILogger<JsonLinesConnection> logger)
    {
        var services = context.RequestServices;
        // No subprotocol: a client that asks for one gets none (and a browser then fails the handshake, as it should).
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var ending = new TaskCompletionSource<WebSocketClose>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new WebSocketTransport(socket, options.MaxLineBytes, ending.Task);
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var connection = new JsonLinesConnection(
            transport, remote, socket.Abort, context.Request.IsHttps ? "wss" : "ws",
            services.GetRequiredService<ChatHub>(), options, services.GetRequiredService<JsonLinesEventEncoder>(), logger)
        {
            Ending = (reason, error) => ending.TrySetResult(WebSocketCloseCodes.For(reason, error)),
        };
        var registry = services.GetRequiredService<ConnectionRegistry>();
        using var registration = registry.Open(connection, context.TraceIdentifier, logger);
        var pumping = transport.RunAsync(context.RequestAborted);
        await connection.RunAsync().ConfigureAwait(false);
        await pumping.ConfigureAwait(false);
    }

    /// <summary>
    /// Browsers send Origin; a page from another site must not use a visitor's session. Allowed: no Origin (not a
    /// browser), or one of <see cref="PublicOrigins"/>. The Host header proves nothing: a DNS-rebinding page sends
    /// its own name as Host and as Origin alike.
    /// </summary>
    internal static bool OriginAllowed(HttpRequest request, PublicOrigins origins)
    {
        var origin = request.Headers.Origin;
        return origin.Count == 0 || (origin.Count == 1 && origins.Contains(origin.ToString()));
    }

    /// <summary>Header text as it may appear in a log line: printable ASCII, at most 200 characters.</summary>
    [LoggerMessage(20, LogLevel.Warning, "Refused a WebSocket from {Remote}: origin {Origin} (Host {Host}) is not one of this server's origins (--public-origins)")]
    private static partial void OriginRefused(ILogger logger, string origin, string host, string remote);
}
