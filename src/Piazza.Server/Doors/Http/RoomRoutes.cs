using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Rooms over REST (docs/http-api.md, "REST parity"): <c>GET /api/rooms/{room}</c> (the room's state and the caller's
/// read position), <c>POST /api/rooms</c> (create, as the protocol's <c>join</c> of a new name, optionally private) and
/// <c>PUT /api/rooms/{room}/topic</c> (the protocol's <c>topic</c>, with <c>lock</c>). Refusals are the protocol's codes.
/// </summary>
internal static class RoomRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/rooms/{room}", (HttpContext c, ChatHub hub, string room) => InfoAsync(c, hub, room))
            .WithName("getRoom").WithSummary("A room's name, topic, owner, privacy, newest seq, users present and the caller's read position").WithTags("Rooms")
            .Produces<RoomInfoResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 404);
        api.MapPost("/rooms", CreateAsync)
            .WithName("createRoom").WithSummary("Create a room (optionally private) and join it, as the protocol's join of a new name").WithTags("Rooms")
            .Accepts<CreateRoomRequest>("application/json").Produces<RoomInfoResponse>(StatusCodes.Status201Created).ProducesErrors(400, 401, 403, 404, 409, 413, 429);
        api.MapPut("/rooms/{room}/topic", (HttpContext c, ChatHub hub, string room) => TopicAsync(c, hub, room))
            .WithName("setRoomTopic").WithSummary("Set (an empty text clears) and/or lock a room's topic, as the protocol's topic").WithTags("Rooms")
            .Accepts<TopicRequest>("application/json").Produces<TopicResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404, 413);
    }

    /// <summary>The room's state as <see cref="RoomInfoResponse"/>, or its error (for the routes that answer with a room).</summary>
    internal static async Task<IResult> InfoResultAsync(HttpContext context, ChatHub hub, ChatSession session, string room, int status)
    {
        var info = await hub.RoomInfoAsync(session, room, context.RequestAborted).ConfigureAwait(false);
        return info.Value is { } r
            ? TypedResults.Json(ToResponse(r), RestJsonContext.Default.RoomInfoResponse, statusCode: status)
            : HttpErrors.Result(info.Error!);
    }

    private static RoomInfoResponse ToResponse(RoomDetails r) => new(
        r.Name, r.Topic, r.TopicLocked, r.Private, r.Owner, r.Seq, r.Members, r.Joined,
        r.Counts?.Read, r.Counts?.Unread, r.Counts?.Mentions)
    {
        RetentionDays = RetentionJson.Days(r.Retention),
        RetentionSource = RetentionJson.Source(r.Retention),
    };

    private static async Task<IResult> InfoAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        return session.Succeeded
            ? await InfoResultAsync(context, hub, session.Value!, room, StatusCodes.Status200OK).ConfigureAwait(false)
            : HttpErrors.Result(session.Error!);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.CreateRoomRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        // A room the caller can see is answered as taken; one hidden from it (private) refuses the join below exactly as
        // the protocol's join does, so this tells nothing a join would not.
        var room = body.Value!.Room;
        if ((await hub.RoomInfoAsync(session.Value!, room, context.RequestAborted).ConfigureAwait(false)).Value is { } existing)
        {
            return HttpErrors.Result(ErrorCode.NameTaken, $"there is a room '{existing.Name}' already; join it with PUT /api/rooms/{{room}}/members/me");
        }

        var joined = await hub.JoinAsync(session.Value!, room, body.Value.Private == true, CancellationToken.None).ConfigureAwait(false);
        return joined.Succeeded
            ? await InfoResultAsync(context, hub, session.Value!, joined.Value!, StatusCodes.Status201Created).ConfigureAwait(false)
            : HttpErrors.Result(joined.Error!);
    }

    private static async Task<IResult> TopicAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.TopicRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var (topic, locked) = (body.Value!.Topic, body.Value.Lock);
        if (topic is null && locked is null)
        {
            return HttpErrors.Result(ErrorCode.BadRequest, "give \"topic\" (an empty text clears it), \"lock\", or both");
        }

        // As the protocol's frame: "lock" first, then the topic once the lock allows it.
        var result = locked is { } l
            ? await hub.SetTopicLockAsync(session.Value!, room, l, context.RequestAborted).ConfigureAwait(false)
            : HubResult<string>.Ok(room);
        if (topic is not null && result.Succeeded)
        {
            result = await hub.SetTopicAsync(session.Value!, room, topic, context.RequestAborted).ConfigureAwait(false);
        }

        return result.Succeeded
            ? TypedResults.Json(new TopicResponse(result.Value!, topic is null ? null : topic.Trim(), locked), RestJsonContext.Default.TopicResponse)
            : HttpErrors.Result(result.Error!);
    }
}

/// <summary>A room: <c>members</c> counts users present now; <c>read</c>, <c>unread</c> and <c>mentions</c> only when the caller is in it.</summary>
public sealed record RoomInfoResponse(string Room, string? Topic, bool Locked, bool Private, string? Owner, long Seq, int Members, bool Joined, long? Read, long? Unread, long? Mentions)
{
    /// <summary>Days the room keeps its messages (0 for good; docs/retention.md).</summary>
    public int? RetentionDays { get; init; }

    /// <summary>Whose setting <see cref="RetentionDays"/> is: <c>room</c> or <c>server</c>.</summary>
    public string? RetentionSource { get; init; }
}

public sealed record CreateRoomRequest(string? Room, bool? Private);

public sealed record TopicRequest(string? Topic, bool? Lock);

public sealed record TopicResponse(string Room, string? Topic, bool? Locked);
