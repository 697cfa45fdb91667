using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Invitations to private rooms over REST (docs/http-api.md, "REST parity"): <c>PUT</c> and <c>DELETE
/// /api/rooms/{room}/invitations/{user}</c> are the protocol's <c>invite</c> and <c>uninvite</c>;
/// <c>GET /api/invitations</c> lists the caller's open ones (what <c>invited</c> frames tell a connection at login).
/// An invitation is accepted by joining (<c>PUT /api/rooms/{room}/members/me</c>); the protocol has no decline.
/// </summary>
internal static class InvitationRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/invitations", ListAsync)
            .WithName("listInvitations").WithSummary("The caller's open invitations, oldest first; join the room to accept one").WithTags("Invitations")
            .Produces<List<InvitationResponse>>(StatusCodes.Status200OK).ProducesErrors(401);
        api.MapPut("/rooms/{room}/invitations/{user}", (HttpContext c, ChatHub hub, string room, string user) => InviteAsync(c, hub, room, user, withdraw: false))
            .WithName("inviteToRoom").WithSummary("Invite an account to a room: it may join once (the protocol's invite)").WithTags("Invitations")
            .Produces<InvitedResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404);
        api.MapDelete("/rooms/{room}/invitations/{user}", (HttpContext c, ChatHub hub, string room, string user) => InviteAsync(c, hub, room, user, withdraw: true))
            .WithName("uninviteFromRoom").WithSummary("Withdraw an invitation; not an error when there is none (the protocol's uninvite)").WithTags("Invitations")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 401, 403, 404);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var open = await hub.InvitationsAsync(session.Value!, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json([.. open.Select(i => new InvitationResponse(i.Room, i.By, WireTimestamp.Format(i.At)))], RestJsonContext.Default.ListInvitationResponse);
    }

    private static async Task<IResult> InviteAsync(HttpContext context, ChatHub hub, string room, string user, bool withdraw)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var done = withdraw
            ? await hub.UninviteAsync(session.Value!, room, user, context.RequestAborted).ConfigureAwait(false)
            : await hub.InviteAsync(session.Value!, room, user, context.RequestAborted).ConfigureAwait(false);
        if (!done.Succeeded)
        {
            return HttpErrors.Result(done.Error!);
        }

        return withdraw ? TypedResults.NoContent() : TypedResults.Json(new InvitedResponse(done.Value.Room, done.Value.User), RestJsonContext.Default.InvitedResponse);
    }
}

public sealed record InvitationResponse(string Room, string By, string At);

public sealed record InvitedResponse(string Room, string User);
