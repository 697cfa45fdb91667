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

    private const string Json = "application/json";

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        api.MapPost("/register", RegisterAsync)
            .WithName("register").WithSummary("Create an account and get a token").WithTags("Accounts").AllowAnonymous()
            .Accepts<CredentialsRequest>(Json).Produces<TokenResponse>(StatusCodes.Status201Created).ProducesErrors(400, 403, 409, 429);
        api.MapPost("/login", LoginAsync)
            .WithName("login").WithSummary("Get a token for a user name and password").WithTags("Accounts").AllowAnonymous()
            .Accepts<CredentialsRequest>(Json).Produces<TokenResponse>().ProducesErrors(400, 401, 403, 429);
        api.MapPost("/logout", LogoutAsync)
            .WithName("logout").WithSummary("Revoke the token used").WithTags("Accounts")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(401, 403);
        api.MapGet("/me", MeAsync)
            .WithName("getMe").WithSummary("The token's user and rooms").WithTags("Accounts")
            .Produces<MeResponse>().ProducesErrors(401, 403);
        api.MapGet("/rooms", (HttpContext c, ChatHub hub, string? cursor, int? limit) => RoomsAsync(c, hub, cursor, limit))
            .WithName("listRooms").WithSummary("One page of the room list (next page in a Link header)").WithTags("Rooms")
            .Produces<List<RoomResponse>>().WithResponseHeader(200, "Link", "`</api/rooms?cursor=…&limit=…>; rel=\"next\"` when more rooms follow.")
            .ProducesErrors(400, 401, 403, 429);
        api.MapGet("/rooms/{room}/messages", (HttpContext c, ChatHub hub, HistoryReadSlots slots, string room, long? before, long? after, int? limit) => HistoryRoute.ReadAsync(c, hub, slots, room, null, before, after, limit))
            .WithName("getRoomMessages").WithSummary("A page of a room's or private conversation's history").WithTags("Messages")
            .Produces<MessagesResponse>().ProducesErrors(400, 401, 403, 404, 429);
        api.MapPost("/rooms/{room}/messages", (HttpContext c, ChatHub hub, string room) => SendAsync(c, hub, room, null))
            .WithName("sendRoomMessage").WithSummary("Send a message to a room or private conversation").WithTags("Messages")
            .Accepts<SendRequest>(Json).Produces<SendResponse>(StatusCodes.Status201Created).Produces<SendResponse>()
            .ProducesErrors(400, 401, 403, 404, 409, 413, 429);
        api.MapGet("/conversations/{user}/messages", (HttpContext c, ChatHub hub, HistoryReadSlots slots, string user, long? before, long? after, int? limit) => HistoryRoute.ReadAsync(c, hub, slots, null, user, before, after, limit))
            .WithName("getPrivateMessages").WithSummary("A page of the private conversation with a user").WithTags("Messages")
            .Produces<MessagesResponse>().ProducesErrors(400, 401, 403, 404, 429);
        api.MapPost("/conversations/{user}/messages", (HttpContext c, ChatHub hub, string user) => SendAsync(c, hub, null, user))
            .WithName("sendPrivateMessage").WithSummary("Send a private message to a user").WithTags("Messages")
            .Accepts<SendRequest>(Json).Produces<SendResponse>(StatusCodes.Status201Created).Produces<SendResponse>()
            .ProducesErrors(400, 401, 403, 404, 409, 413, 429);
        ReadStateRoutes.Map(api);
        EditRoutes.Map(api);
        ReactionRoutes.Map(api);
        PinRoutes.Map(api);
        SearchRoutes.Map(api);
        RoomRoutes.Map(api);
        MembershipRoutes.Map(api);
        MessageRoutes.Map(api);
        InvitationRoutes.Map(api);
        ModerationRoutes.Map(api);
        RetentionRoutes.Map(api);
        ApiDocument.Map(app);
        EventStream.EventStreamRoutes.Map(api);
        TokenRoutes.Map(api);
        WebhookRoutes.Map(api);
        AdminRoutes.Map(api);
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, ChatHub hub)
    {
        var body = await ReadBodyAsync(context, ApiJsonContext.Default.CredentialsRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var result = await hub.RegisterForTokenAsync(body.Value!.User, body.Value.Password, RemoteAddress(context), context.RequestAborted, LoginLabel(context), body.Value.Bot == true).ConfigureAwait(false);
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

        var result = await hub.LoginForTokenAsync(body.Value!.User, body.Value.Password, RemoteAddress(context), context.RequestAborted, LoginLabel(context)).ConfigureAwait(false);
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

        // A conversation id (`@alice,bob,carol`) names the group of its other participants (MessageRoutes.Recipients).
        var group = to is null ? null : MessageRoutes.Recipients(session.Value!, to);
        if (group is { Succeeded: false })
        {
            return HttpErrors.Result(group.Value.Error!);
        }

        var others = group?.Value;
        to = others is [var single] ? single : others is null ? to : null;
        others = others is { Count: > 1 } ? others : null;
        var accepted = body.Value!.Reply is { } reply
            ? await hub.SendReplyAsync(session.Value!, room, to, others, body.Value.Text, body.Value.File?.Id, body.Value.Id, reply, context.RequestAborted).ConfigureAwait(false)
            : others is not null
            ? await hub.SendToGroupAsync(session.Value!, others, body.Value.Text, body.Value.File?.Id, body.Value.Id, context.RequestAborted).ConfigureAwait(false)
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

    /// <summary>
    /// Opens a request session from the bearer token (every authenticated HTTP endpoint, files included), refused
    /// <c>forbidden</c> when the token lacks the scope the request needs (<see cref="TokenRoutes.OperationOf"/>).
    /// </summary>
    internal static async Task<HubResult<ChatSession>> OpenAsync(HttpContext context, ChatHub hub)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var session = await hub.OpenRequestSessionAsync(token, new RequestConnection(remote, RemoteAddress(context)), context.RequestAborted).ConfigureAwait(false);
        return session.Succeeded && ChatHub.CheckScope(session.Value!, TokenRoutes.OperationOf(context)) is { } outOfScope ? outOfScope : session;
    }

    /// <summary>A REST login's label in the session list: <c>http</c> and the User-Agent, printable and short.</summary>
    private static string LoginLabel(HttpContext context)
    {
        var agent = PrintableText.Escape(context.Request.Headers.UserAgent.ToString());
        return agent.Length == 0 ? "http" : $"http {(agent.Length > 80 ? agent[..80] : agent)}";
    }

    /// <summary>The peer's address as the core compares it (bans, login and registration throttles).</summary>
    private static string RemoteAddress(HttpContext context) => AddressText.Normalize(context.Connection.RemoteIpAddress?.ToString()) ?? "unknown";

    /// <summary>Reads a JSON body of at most <see cref="MaxBodyBytes"/>: 415 when not JSON, 413 when larger, 400 when not the expected JSON.</summary>
    internal static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!IsJsonOrAbsent(context.Request.ContentType))
        {
            return (null, HttpErrors.Result(ErrorCode.BadContentType, "the body must be JSON: Content-Type: application/json"));
        }

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

    /// <summary>
    /// A JSON body's content type: <c>application/json</c> (any parameters), or none at all, as routing's
    /// <c>Accepts</c> check lets through; anything else (a form, text) is 415 <c>bad_content_type</c>.
    /// </summary>
    private static bool IsJsonOrAbsent(string? contentType)
        => string.IsNullOrEmpty(contentType)
            || (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed) && string.Equals(parsed.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase));

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

/// <summary>A login or a registration; <see cref="Bot"/> (registration only) makes a bot account.</summary>
public sealed record CredentialsRequest(string? User, string? Password, bool? Bot = null);

public sealed record TokenResponse(string Token, string User);

public sealed record MeResponse(string User, bool Registered, IReadOnlyList<string> Rooms);

public sealed record RoomResponse(string Room, string? Topic, int Members, bool Joined, bool? Private = null);

/// <summary>A page of history; each message has the protocol's <c>message</c> frame shape (<see cref="MessageJson"/>); <c>next</c>: the next page's address, absent on the last. <see cref="HistoryRoute"/> writes this shape as it reads.</summary>
public sealed record MessagesResponse(string Room, IReadOnlyList<ServerFrame> Messages, string? Next = null);

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
