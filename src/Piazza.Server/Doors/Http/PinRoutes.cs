using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Pins over REST (docs/http-api.md): <c>GET /api/rooms/{room}/pins</c> answers the pinned messages as the protocol's
/// <c>pins</c> does; <c>PUT</c> and <c>DELETE /api/rooms/{room}/pins/{msg}</c> pin and unpin as <c>pin</c>/<c>unpin</c>
/// (the conversation's live connections hear <c>pinned</c>/<c>unpinned</c>). <c>{room}</c> may be a private conversation's id.
/// </summary>
internal static class PinRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/rooms/{room}/pins", (HttpContext c, ChatHub hub, string room) => ListAsync(c, hub, room))
            .WithName("listPins").WithSummary("The pinned messages of a conversation").WithTags("Pins")
            .Produces<PinsResponse>().ProducesErrors(400, 401, 403, 404, 429);
        api.MapPut("/rooms/{room}/pins/{msg}", (HttpContext c, ChatHub hub, string room, string msg) => PinAsync(c, hub, room, msg, pin: true))
            .WithName("pinMessage").WithSummary("Pin a message").WithTags("Pins")
            .Produces<PinResponse>().ProducesErrors(400, 401, 403, 404, 409, 429);
        api.MapDelete("/rooms/{room}/pins/{msg}", (HttpContext c, ChatHub hub, string room, string msg) => PinAsync(c, hub, room, msg, pin: false))
            .WithName("unpinMessage").WithSummary("Unpin a message").WithTags("Pins")
            .Produces<PinResponse>().ProducesErrors(400, 401, 403, 404, 409, 429);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var list = await hub.PinsAsync(session.Value!, room, context.RequestAborted).ConfigureAwait(false);
        return list.Succeeded
            ? TypedResults.Json(new PinsResponse(list.Value!.Room, [.. list.Value.Pins.Select(PinJson.ToFrame)]), PinJsonContext.Default.PinsResponse)
            : HttpErrors.Result(list.Error!);
    }

    private static async Task<IResult> PinAsync(HttpContext context, ChatHub hub, string room, string msg, bool pin)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var done = await hub.PinAsync(session.Value!, room, msg, pin, context.RequestAborted).ConfigureAwait(false);
        return done.Succeeded
            ? TypedResults.Json(new PinResponse(done.Value!.Room, done.Value.MessageId, done.Value.Seq, done.Value.Pinned), PinJsonContext.Default.PinResponse)
            : HttpErrors.Result(done.Error!);
    }
}

public sealed record PinsResponse(string Room, IReadOnlyList<ServerFrame> Pins);

public sealed record PinResponse(string Room, string Msg, long Seq, bool Pinned);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(PinsResponse))]
[JsonSerializable(typeof(PinResponse))]
internal sealed partial class PinJsonContext : JsonSerializerContext;
