using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The REST door at <c>/api</c> for pages and bots: tokens from a password, then bearer-authenticated reads and
/// sends. Each request uses a short-lived, offline session, so the domain rules are the hub's, as for every door.
/// docs/http-api.md documents it.
/// </summary>
public static class HttpApi
{
    /// <summary>Largest accepted request body: a message of 4,000 characters fits many times over.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        api.MapPost("/register", RegisterAsync);
        api.MapPost("/login", LoginAsync);
        api.MapPost("/logout", LogoutAsync);
        api.MapGet("/me", MeAsync);
        api.MapGet("/rooms", (HttpContext c, ChatHub hub, string? cursor, int? limit) => RoomsAsync(c, hub, cursor, limit));
        api.MapGet("/rooms/{room}/messages", (HttpContext c, ChatHub hub, HistoryReadSlots slots, string room, long? before, long? after, int? limit) => HistoryRoute.ReadAsync(c, hub, slots, room, null, before, after, limit));
        api.MapPost("/rooms/{room}/messages", (HttpContext c, ChatHub hub, string room) => SendAsync(c, hub, room, null));
        api.MapGet("/conversations/{user}/messages", (HttpContext c, ChatHub hub, HistoryReadSlots slots, string user, long? before, long? after, int? limit) => HistoryRoute.ReadAsync(c, hub, slots, null, user, before, after, limit));
        api.MapPost("/conversations/{user}/messages", (HttpContext c, ChatHub hub, string user) => SendAsync(c, hub, null, user));
        ReadStateRoutes.Map(api);
        EditRoutes.Map(api);
        ReactionRoutes.Map(api);
        PinRoutes.Map(api);
        SearchRoutes.Map(api);
        WebhookRoutes.Map(api);
        api.MapFallback(() => HttpErrors.Result(ErrorCode.NotFound, "no such API endpoint; see docs/http-api.md"));
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, ChatHub hub)
    {
        var body = await ReadBodyAsync(context, ApiJsonContext.Default.CredentialsRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var result = await hub.RegisterForTokenAsync(body.Value!.User, body.Value.Password, RemoteAddress(context), context.RequestAborted).ConfigureAwait(false);
        return result.Succeeded
            ? TypedResults.Json(new TokenResponse(result.Value.Token, result.Value.User), ApiJsonContext.Default.TokenResponse, statusCode: StatusCodes.Status201Created)
            : HttpErrors.Result(result.Error!);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ChatHub hub)
    {
        var body = await ReadBodyAsync(context, ApiJsonContext.Default.CredentialsRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var result = await hub.LoginForTokenAsync(body.Value!.User, body.Value.Password, RemoteAddress(context), context.RequestAborted).ConfigureAwait(false);
        return result.Succeeded
            ? TypedResults.Json(new TokenResponse(result.Value.Token, result.Value.User), ApiJsonContext.Default.TokenResponse)
            : HttpErrors.Result(result.Error!);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, ChatHub hub)
    {
        var session = await OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        await hub.RevokeTokenAsync(session.Value!, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> MeAsync(HttpContext context, ChatHub hub)
    {
        var session = await OpenAsync(context, hub).ConfigureAwait(false);
        return session.Succeeded
            ? TypedResults.Json(new MeResponse(session.Value!.Name, true, session.Value.User.Rooms), ApiJsonContext.Default.MeResponse)
            : HttpErrors.Result(session.Error!);
    }

    /// <summary>One page of the room list; the next page's address is in a <c>Link: &lt;…&gt;; rel="next"</c> header (none on the last).</summary>
    private static async Task<IResult> RoomsAsync(HttpContext context, ChatHub hub, string? cursor, int? limit)
    {
        var session = await OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var page = await hub.RoomsAsync(session.Value!, cursor, limit, context.RequestAborted).ConfigureAwait(false);
        if (!page.Succeeded)
        {
            return HttpErrors.Result(page.Error!);
        }

        if (page.Value!.Next is { } next)
        {
            var query = $"cursor={Uri.EscapeDataString(next)}{(limit is { } size ? $"&limit={size}" : "")}";
            context.Response.Headers.Link = $"</api/rooms?{query}>; rel=\"next\"";
        }

        return TypedResults.Json([.. page.Value.Rooms.Select(r => new RoomResponse(r.Room, r.Topic, r.Members, r.Joined, r.Private ? true : null))], ApiJsonContext.Default.ListRoomResponse);
    }

    private static async Task<IResult> SendAsync(HttpContext context, ChatHub hub, string? room, string? to)
    {
        var session = await OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await ReadBodyAsync(context, ApiJsonContext.Default.SendRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var accepted = body.Value!.Reply is { } reply
            ? await hub.SendReplyAsync(session.Value!, room, to, null, body.Value.Text, body.Value.File?.Id, body.Value.Id, reply, context.RequestAborted).ConfigureAwait(false)
            : await hub.SendAsync(session.Value!, room, to, body.Value.Text, body.Value.File?.Id, body.Value.Id, context.RequestAborted).ConfigureAwait(false);
        if (!accepted.Succeeded)
        {
            return HttpErrors.Result(accepted.Error!);
        }

        var outcome = await accepted.Value!.Completion.ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            return HttpErrors.Result(outcome.Error!);
        }

        var message = outcome.Value!.Message;
        var response = new SendResponse(message.Id, message.Seq, message.Room, outcome.Value.Duplicate);
        return TypedResults.Json(response, ApiJsonContext.Default.SendResponse, statusCode: outcome.Value.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    /// <summary>Opens a request session from the bearer token (every authenticated HTTP endpoint, files included).</summary>
    internal static Task<HubResult<ChatSession>> OpenAsync(HttpContext context, ChatHub hub)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        return hub.OpenRequestSessionAsync(token, new RequestConnection(remote, RemoteAddress(context)), context.RequestAborted);
    }

    /// <summary>The peer's address as the core compares it (bans, login and registration throttles).</summary>
    private static string RemoteAddress(HttpContext context) => AddressText.Normalize(context.Connection.RemoteIpAddress?.ToString()) ?? "unknown";

    /// <summary>Reads a JSON body of at most <see cref="MaxBodyBytes"/>: 413 when larger, 400 when not the expected JSON.</summary>
    internal static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return (null, HttpErrors.Result(ErrorCode.TooLarge, $"request bodies are at most {MaxBodyBytes} bytes"));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, HttpErrors.Result(ErrorCode.BadRequest, "a JSON object is required")) : (value, null);
        }
        catch (JsonException)
        {
            return (null, HttpErrors.Result(ErrorCode.BadRequest, "the body is not the expected JSON object"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, HttpErrors.Result(ErrorCode.TooLarge, $"request bodies are at most {MaxBodyBytes} bytes"));
        }
    }

    /// <summary>The connection of a request session: it has no live stream, so events for it are dropped.</summary>
    private sealed class RequestConnection(string remoteEndPoint, string remoteAddress) : IChatConnection
    {
        public string Door => "http";

        public string RemoteEndPoint { get; } = remoteEndPoint;

        public string RemoteAddress { get; } = remoteAddress;

        public bool TryEnqueue(ChatEvent chatEvent) => true;

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush)
        {
        }
    }
}

public sealed record CredentialsRequest(string? User, string? Password);

public sealed record TokenResponse(string Token, string User);

public sealed record MeResponse(string User, bool Registered, IReadOnlyList<string> Rooms);

public sealed record RoomResponse(string Room, string? Topic, int Members, bool Joined, bool? Private = null);

/// <summary>A page of history; each message has the protocol's <c>message</c> frame shape (<see cref="MessageJson"/>). <see cref="HistoryRoute"/> writes this shape as it reads.</summary>
public sealed record MessagesResponse(string Room, IReadOnlyList<ServerFrame> Messages);

public sealed record SendRequest(string? Text, string? Id, SharedFileInfo? File = null, string? Reply = null);

public sealed record SendResponse(string Msg, long Seq, string Room, bool Duplicate);

public sealed record ErrorResponse(string Code, string Message, double? RetryAfter);

// Same JSON rules as the native protocol: a repeated field is refused, not "last one wins"; depth is bounded.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = Piazza.Protocol.ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(List<RoomResponse>))]
[JsonSerializable(typeof(MessagesResponse))]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
