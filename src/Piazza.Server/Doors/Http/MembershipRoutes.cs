using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Membership over REST (docs/http-api.md, "REST parity"): <c>PUT /api/rooms/{room}/members/me</c> joins as the
/// protocol's <c>join</c> does (creating the room; a private room needs an invitation), <c>DELETE</c> leaves as
/// <c>leave</c>; both are the account's on every device, so its live connections enter or leave and the room hears
/// it. <c>GET /api/rooms/{room}/members</c> is the protocol's paged <c>who</c>.
/// </summary>
internal static class MembershipRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut("/rooms/{room}/members/me", (HttpContext c, ChatHub hub, string room) => JoinAsync(c, hub, room))
            .WithName("joinRoom").WithSummary("Join a room (201 newly joined, 200 already in), creating it as the protocol's join does").WithTags("Membership")
            .Produces<RoomInfoResponse>(StatusCodes.Status200OK).Produces<RoomInfoResponse>(StatusCodes.Status201Created).ProducesErrors(400, 401, 403, 404, 409, 429);
        api.MapDelete("/rooms/{room}/members/me", (HttpContext c, ChatHub hub, string room) => LeaveAsync(c, hub, room))
            .WithName("leaveRoom").WithSummary("Leave a room on every device, as the protocol's leave").WithTags("Membership")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 401, 403, 404);
        api.MapGet("/rooms/{room}/members", (HttpContext c, ChatHub hub, string room, string? cursor, int? limit) => MembersAsync(c, hub, room, cursor, limit))
            .WithName("listRoomMembers").WithSummary("Users present in a room, one page, earliest first (the protocol's who); the next page in \"next\" and a Link header").WithTags("Membership")
            .Produces<MembersResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 404);
    }

    private static async Task<IResult> JoinAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var user = session.Value!;
        var wasIn = RoomNamePolicy.IsValid(room, out _) && user.User.Rooms.Contains(RoomNamePolicy.Fold(room), StringComparer.Ordinal);
        // Not cancelled with the request (as the line door's join): a client that hangs up must not leave the
        // account's live connections half entered.
        var joined = await hub.JoinAsync(user, room, createPrivate: false, CancellationToken.None).ConfigureAwait(false);
        return joined.Succeeded
            ? await RoomRoutes.InfoResultAsync(context, hub, user, joined.Value!, wasIn ? StatusCodes.Status200OK : StatusCodes.Status201Created).ConfigureAwait(false)
            : HttpErrors.Result(joined.Error!);
    }

    private static async Task<IResult> LeaveAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var left = await hub.LeaveAsync(session.Value!, room, CancellationToken.None).ConfigureAwait(false);
        return left.Succeeded ? TypedResults.NoContent() : HttpErrors.Result(left.Error!);
    }

    /// <summary>One page of <c>who</c>; the next page's address is also in a <c>Link: &lt;…&gt;; rel="next"</c> header (none on the last).</summary>
    private static async Task<IResult> MembersAsync(HttpContext context, ChatHub hub, string room, string? cursor, int? limit)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var page = await hub.WhoAsync(session.Value!, room, cursor, limit).ConfigureAwait(false);
        if (!page.Succeeded)
        {
            return HttpErrors.Result(page.Error!);
        }

        var name = page.Value!.Room;
        if (page.Value.Next is { } next)
        {
            var query = $"cursor={Uri.EscapeDataString(next)}{(limit is { } size ? $"&limit={size}" : "")}";
            context.Response.Headers.Link = $"</api/rooms/{Uri.EscapeDataString(name)}/members?{query}>; rel=\"next\"";
        }

        return TypedResults.Json(
            new MembersResponse(name, JsonLinesEventEncoder.ToUserInfos(page.Value.Users), page.Value.Count, page.Value.Next),
            RestJsonContext.Default.MembersResponse);
    }
}

/// <summary>A page of the users present: each as in the protocol's <c>who</c> (<c>since</c>, <c>guest</c>, <c>away</c>); <c>next</c> absent on the last page.</summary>
public sealed record MembersResponse(string Room, IReadOnlyList<UserInfo> Users, int Count, string? Next);
