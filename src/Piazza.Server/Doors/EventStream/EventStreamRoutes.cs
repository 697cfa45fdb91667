using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Connections;
using Piazza.Server.Doors.Http;
using Piazza.Server.Doors.JsonLines;
using Piazza.Server.Limits;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.EventStream;

/// <summary>
/// <c>GET /api/events</c> (docs/http-api.md, "Event stream"): the protocol's events for the caller's conversations as
/// Server-Sent Events. Authenticated by <c>Authorization: Bearer</c>, or <c>?access_token=</c> for browsers' EventSource,
/// which cannot set headers (RFC 6750 §2.3); resumed from <c>Last-Event-ID</c> or <c>?after=</c>. Everything that can be
/// refused is refused before the stream starts, with the API's JSON error; afterwards errors are events.
/// </summary>
public static class EventStreamRoutes
{
    public const string Path = "/events";

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet(Path, StreamAsync)
            .WithName("GetEvents")
            .WithSummary("The caller's events as Server-Sent Events (text/event-stream), resumable with Last-Event-ID or ?after=")
            .WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden)
            .Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext context,
        ChatHub hub,
        [FromQuery(Name = "access_token")] string? accessToken,
        [FromQuery(Name = "after")] string? after,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : accessToken;
        if (string.IsNullOrEmpty(token))
        {
            return HttpErrors.Result(ErrorCode.AuthFailed, "a bearer token is required: Authorization: Bearer <token>, or ?access_token=<token> where headers cannot be set (EventSource)");
        }

        var positions = StreamPositions.TryParse(lastEventId, after, out var problem, out var tooLarge);
        if (positions is null)
        {
            return HttpErrors.Result(tooLarge ? ErrorCode.TooLarge : ErrorCode.BadRequest, problem!);
        }

        // The token and bans are checked here, so a refusal is a JSON answer rather than an event on a started stream.
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var check = await hub.OpenRequestSessionAsync(token, new CheckingConnection(remote), context.RequestAborted).ConfigureAwait(false);
        if (!check.Succeeded)
        {
            return HttpErrors.Result(check.Error!);
        }

        if (hub.IsShuttingDown)
        {
            return HttpErrors.Result(new HubError(ErrorCode.Unavailable, "the server is shutting down", TimeSpan.FromSeconds(1)));
        }

        // Limited as a WebSocket is: every stream takes a place of its own in the per-address limits of long-lived
        // connections (LongLivedConnections), also each of several on one HTTP/2 connection.
        var services = context.RequestServices;
        var slots = services.GetRequiredService<WebSocketSlots>();
        var longLived = services.GetRequiredService<LongLivedConnections>();
        if (longLived.TryEnter(context) is { } refused)
        {
            return refused;
        }

        var connectionId = context.Connection.Id;
        slots.Enter(connectionId);
        try
        {
            await RunAsync(context, hub, remote, token, positions).ConfigureAwait(false);
            return Results.Empty;
        }
        finally
        {
            slots.Exit(connectionId);
            longLived.Exit(context);
        }
    }

    private static async Task RunAsync(HttpContext context, ChatHub hub, string remote, string token, StreamPositions positions)
    {
        var services = context.RequestServices;
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store, no-transform";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events on as they come
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpProtocol.IsHttp11(context.Request.Protocol) && context.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
        {
            // One policy bounds a stream that is not read: the outbox's (slow_consumer, with a last event saying so),
            // not Kestrel's response rate, which would cut it without a word. (HTTP/2 has it per connection only:
            // setting it per request throws there.)
            rate.MinDataRate = null;
        }

        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        var connection = new EventStreamConnection(
            response.BodyWriter, remote, context.Abort, context.Request.IsHttps ? "https-events" : "http-events", hub,
            services.GetRequiredService<ConnectionOptions>(), new SseEventEncoder(services.GetRequiredService<JsonLinesEventEncoder>()),
            positions, services.GetRequiredService<ILogger<EventStreamConnection>>());
        var registry = services.GetRequiredService<ConnectionRegistry>();
        using var registration = registry.Open(connection, context.TraceIdentifier, services.GetRequiredService<ILogger<EventStreamConnection>>());
        await connection.RunAsync(token, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The connection of the token check before a stream starts: never online, so events for it are dropped.</summary>
    private sealed class CheckingConnection(string remoteEndPoint) : IChatConnection
    {
        public string Door => "http-events";

        public string RemoteEndPoint { get; } = remoteEndPoint;

        public string RemoteAddress { get; } = AddressText.Normalize(remoteEndPoint[..Math.Max(0, remoteEndPoint.LastIndexOf(':'))]) ?? "unknown";

        public bool TryEnqueue(ChatEvent chatEvent) => true;

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush)
        {
        }
    }
}
