using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Core.Retention;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// A room's retention over REST (docs/retention.md): the protocol's <c>room_set</c> with <c>retentionDays</c>. PUT sets
/// the room's own days (0 for good), DELETE makes it follow the server again; the owner and admins (403 otherwise).
/// </summary>
internal static class RetentionRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut("/rooms/{room}/retention", (HttpContext c, ChatHub hub, string room) => SetAsync(c, hub, room))
            .WithName("setRoomRetention").WithSummary("Set how many days a room keeps its messages (its owner and admins; 0 keeps them for good)").WithTags("Rooms")
            .Accepts<RetentionRequest>("application/json").Produces<RetentionResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404, 413);
        api.MapDelete("/rooms/{room}/retention", (HttpContext c, ChatHub hub, string room) => ClearAsync(c, hub, room))
            .WithName("clearRoomRetention").WithSummary("Make a room keep messages as the server does (its owner and admins)").WithTags("Rooms")
            .Produces<RetentionResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404);
    }

    private static async Task<IResult> SetAsync(HttpContext context, ChatHub hub, string room)
    {
        var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.RetentionRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        if (body.Value!.Days is < 0)
        {
            return HttpErrors.Result(new HubError(ErrorCode.BadRequest, $"\"days\" must be 0 (keep for good) to {RetentionRules.MaxDays}; DELETE follows the server's setting"));
        }

        return await RunAsync(context, hub, room, body.Value.Days).ConfigureAwait(false);
    }

    private static Task<IResult> ClearAsync(HttpContext context, ChatHub hub, string room) => RunAsync(context, hub, room, RetentionRules.ServerDefault);

    private static async Task<IResult> RunAsync(HttpContext context, ChatHub hub, string room, int? days)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var set = await hub.SetRoomRetentionAsync(session.Value!, room, days, context.RequestAborted).ConfigureAwait(false);
        return set.Succeeded
            ? TypedResults.Json(new RetentionResponse(set.Value!.Room, set.Value.Days, RetentionJson.Source(set.Value)!), RestJsonContext.Default.RetentionResponse)
            : HttpErrors.Result(set.Error!);
    }
}

/// <summary>A room's own retention: <c>days</c> 0 (for good) to 36,500.</summary>
public sealed record RetentionRequest(int? Days);

/// <summary>The room's retention now: the days in force (0 for good) and whose setting it is (<c>room</c> or <c>server</c>).</summary>
public sealed record RetentionResponse(string Room, int RetentionDays, string RetentionSource);
