using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Core.Admin;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The admin API at <c>/api/admin/</c> (docs/http-api.md, "Administration"; docs/admin.md): server admins' password
/// sessions only (<see cref="Core.Tokens.ScopeRule.AdminOperation"/>). Each route calls the hub's admin or moderation
/// call, so the rules (and the audit) are the core's; kick and bans are <see cref="ModerationRoutes"/>' own handler.
/// </summary>
internal static class AdminRoutes
{
    private const string Json = "application/json";

    public static void Map(RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin");
        Route(admin.MapGet("/users", (HttpContext c, ChatHub hub, string? cursor, int? limit) => UsersAsync(c, hub, cursor, limit)), "adminListUsers", "One page of the users online, with each connection's door, address and start, and their rooms (next page in a Link header)")
            .Produces<List<AdminUserResponse>>().WithResponseHeader(200, "Link", "`</api/admin/users?cursor=…&limit=…>; rel=\"next\"` when more users follow.").ProducesErrors(400);
        Route(admin.MapPost("/users/{user}/kick", (HttpContext c, ChatHub hub, string user) => ModerationRoutes.RunAsync(c, hub, ModerationRoutes.Act.Kick, null, user, null)), "adminKickUser", "Disconnect every connection of a user, on every node (the body may give a reason)")
            .Produces<ModerationResponse>().ProducesErrors(400, 404, 413);
        Route(admin.MapPut("/bans/{user}", (HttpContext c, ChatHub hub, string user) => ModerationRoutes.RunAsync(c, hub, ModerationRoutes.Act.Ban, null, user, null)), "adminBanUser", "Ban a user from the server, optionally for a duration or until a time")
            .Produces<ModerationResponse>().ProducesErrors(400, 404, 413);
        Route(admin.MapDelete("/bans/{user}", (HttpContext c, ChatHub hub, string user) => ModerationRoutes.RunAsync(c, hub, ModerationRoutes.Act.Unban, null, user, null)), "adminUnbanUser", "Lift a server ban")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 404);
        Route(admin.MapPut("/address-bans/{address}", (HttpContext c, ChatHub hub, string address) => ModerationRoutes.RunAsync(c, hub, ModerationRoutes.Act.Ban, null, null, address)), "adminBanAddress", "Ban an IP address (IPv6: its /64) from the server")
            .Produces<ModerationResponse>().ProducesErrors(400, 413);
        Route(admin.MapDelete("/address-bans/{address}", (HttpContext c, ChatHub hub, string address) => ModerationRoutes.RunAsync(c, hub, ModerationRoutes.Act.Unban, null, null, address)), "adminUnbanAddress", "Lift an address ban")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400);
        Route(admin.MapGet("/rooms", (HttpContext c, ChatHub hub, string? cursor, int? limit) => RoomsAsync(c, hub, cursor, limit)), "adminListRooms", "One page of every room, private ones included, with owner, members and users present (next page in a Link header)")
            .Produces<List<AdminRoomResponse>>().WithResponseHeader(200, "Link", "`</api/admin/rooms?cursor=…&limit=…>; rel=\"next\"` when more rooms follow.").ProducesErrors(400);
        Route(admin.MapPut("/rooms/{room}/owner", (HttpContext c, ChatHub hub, string room) => OwnerAsync(c, hub, room)), "adminSetRoomOwner", "Make an account the owner of a room")
            .Accepts<OwnerRequest>(Json).Produces<OwnerResponse>().ProducesErrors(400, 404, 413);
        Route(admin.MapDelete("/messages/{id}", (HttpContext c, ChatHub hub, string id) => DeleteAsync(c, hub, id)), "adminDeleteMessage", "Delete a message in any room (never another pair's private conversation)")
            .Produces<DeletedResponse>().ProducesErrors(400, 404);
        Route(admin.MapPost("/announcements", AnnounceAsync), "adminAnnounce", "Send an announcement from 'server' to the room every user is in")
            .Accepts<AnnouncementRequest>(Json).Produces<AnnouncementResponse>(StatusCodes.Status201Created).ProducesErrors(400, 413);
        Route(admin.MapGet("/audit", (HttpContext c, ChatHub hub, string? cursor, int? limit) => AuditAsync(c, hub, cursor, limit)), "adminReadAudit", "One page of the audit log, newest first (older entries in a Link header)")
            .Produces<List<AuditEntryResponse>>().WithResponseHeader(200, "Link", "`</api/admin/audit?cursor=…&limit=…>; rel=\"next\"` when older entries follow.").ProducesErrors(400);
        AdminAccountRoutes.Map(admin);
    }

    /// <summary>What every admin route says: its name, summary, tag, and the refusals every one can meet.</summary>
    internal static RouteHandlerBuilder Route(RouteHandlerBuilder route, string name, string summary)
        => route.WithName(name).WithSummary(summary).WithTags("Admin").ProducesErrors(401, 403);

    /// <summary>The next page's address in a <c>Link: &lt;…&gt;; rel="next"</c> header, as <c>GET /api/rooms</c> gives it.</summary>
    private static void LinkNext(HttpContext context, string path, string? next, int? limit)
    {
        if (next is not null)
        {
            context.Response.Headers.Link = $"<{path}?cursor={Uri.EscapeDataString(next)}{(limit is { } size ? string.Create(CultureInfo.InvariantCulture, $"&limit={size}") : "")}>; rel=\"next\"";
        }
    }

    private static async Task<IResult> UsersAsync(HttpContext context, ChatHub hub, string? cursor, int? limit)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var page = await hub.OnlineUsersAsync(session.Value!, cursor, limit, context.RequestAborted).ConfigureAwait(false);
        if (page.Value is not { } users)
        {
            return HttpErrors.Result(page.Error!);
        }

        LinkNext(context, "/api/admin/users", users.Next, limit);
        return TypedResults.Json([.. users.Users.Select(AdminUserResponse.Of)], AdminJsonContext.Default.ListAdminUserResponse);
    }

    private static async Task<IResult> RoomsAsync(HttpContext context, ChatHub hub, string? cursor, int? limit)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var page = await hub.AllRoomsAsync(session.Value!, cursor, limit, context.RequestAborted).ConfigureAwait(false);
        if (page.Value is not { } rooms)
        {
            return HttpErrors.Result(page.Error!);
        }

        LinkNext(context, "/api/admin/rooms", rooms.Next, limit);
        return TypedResults.Json([.. rooms.Rooms.Select(r => new AdminRoomResponse(r.Name, r.Topic, r.Owner, r.Private, r.Members, r.Present))], AdminJsonContext.Default.ListAdminRoomResponse);
    }

    private static async Task<IResult> AuditAsync(HttpContext context, ChatHub hub, string? cursor, int? limit)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return HttpErrors.Result(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page (an entry id)");
            }

            before = id;
        }

        var page = await hub.AuditPageAsync(session.Value!, before, limit, context.RequestAborted).ConfigureAwait(false);
        if (page.Value is not { } audit)
        {
            return HttpErrors.Result(page.Error!);
        }

        LinkNext(context, "/api/admin/audit", audit.Next?.ToString(CultureInfo.InvariantCulture), limit);
        return TypedResults.Json([.. audit.Entries.Select(AuditEntryResponse.Of)], AdminJsonContext.Default.ListAuditEntryResponse);
    }

    private static async Task<IResult> OwnerAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, AdminJsonContext.Default.OwnerRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var set = await hub.SetRoomOwnerAsync(session.Value!, room, body.Value!.Owner, body.Value.Reason, context.RequestAborted).ConfigureAwait(false);
        return set.Succeeded
            ? TypedResults.Json(new OwnerResponse(set.Value.Room, set.Value.Owner), AdminJsonContext.Default.OwnerResponse)
            : HttpErrors.Result(set.Error!);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ChatHub hub, string id)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var deleted = await hub.AdminDeleteMessageAsync(session.Value!, id, context.RequestAborted).ConfigureAwait(false);
        return deleted.Value is { } d
            ? TypedResults.Json(new DeletedResponse(d.Room, d.MessageId, d.Seq), RestJsonContext.Default.DeletedResponse)
            : HttpErrors.Result(deleted.Error!);
    }

    private static async Task<IResult> AnnounceAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, AdminJsonContext.Default.AnnouncementRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var sent = await hub.AnnounceAsync(session.Value!, body.Value!.Text, context.RequestAborted).ConfigureAwait(false);
        return sent.Value is { } a
            ? TypedResults.Json(new AnnouncementResponse(a.Room, a.MessageId, a.Seq), AdminJsonContext.Default.AnnouncementResponse, statusCode: StatusCodes.Status201Created)
            : HttpErrors.Result(sent.Error!);
    }
}
