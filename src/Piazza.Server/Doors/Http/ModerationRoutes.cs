using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Moderation over REST (docs/http-api.md, "REST parity"): the protocol's <c>kick</c>, <c>ban</c>, <c>unban</c>,
/// <c>mute</c>, <c>unmute</c>, <c>op</c>, <c>deop</c> and <c>room_set</c>, in a room or (admins) server-wide and for
/// addresses, through the one moderation pipeline: the same roles, the same refusals (403 <c>forbidden</c> without the role).
/// </summary>
internal static class ModerationRoutes
{
    internal enum Act
    {
        Kick,
        Ban,
        Unban,
        Mute,
        Unmute,
        Op,
        Deop,
    }

    public static void Map(RouteGroupBuilder api)
    {
        Route(api.MapPost("/rooms/{room}/kicks", (HttpContext c, ChatHub hub, string room) => RunAsync(c, hub, Act.Kick, room, null, null)), "kickFromRoom", "Remove a user from a room (its moderators); the body names the user", withBody: true);
        Route(api.MapPut("/rooms/{room}/bans/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Ban, room, user, null)), "banFromRoom", "Ban a user from a room, optionally for a duration or until a time", withBody: true);
        Route(api.MapDelete("/rooms/{room}/bans/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Unban, room, user, null)), "unbanFromRoom", "Lift a room ban");
        Route(api.MapPut("/rooms/{room}/mutes/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Mute, room, user, null)), "muteInRoom", "Mute a user in a room, optionally for a duration or until a time", withBody: true);
        Route(api.MapDelete("/rooms/{room}/mutes/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Unmute, room, user, null)), "unmuteInRoom", "Lift a mute");
        Route(api.MapPut("/rooms/{room}/moderators/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Op, room, user, null)), "addRoomModerator", "Make a user a room moderator (the room's owner and admins)");
        Route(api.MapDelete("/rooms/{room}/moderators/{user}", (HttpContext c, ChatHub hub, string room, string user) => RunAsync(c, hub, Act.Deop, room, user, null)), "removeRoomModerator", "Take a room moderator's role away (the room's owner and admins)");
        Route(api.MapPost("/kicks", (HttpContext c, ChatHub hub) => RunAsync(c, hub, Act.Kick, null, null, null)), "kickFromServer", "Disconnect a user from the server (admins); the body names the user", withBody: true);
        Route(api.MapPut("/bans/{user}", (HttpContext c, ChatHub hub, string user) => RunAsync(c, hub, Act.Ban, null, user, null)), "banFromServer", "Ban a user from the server (admins)", withBody: true);
        Route(api.MapDelete("/bans/{user}", (HttpContext c, ChatHub hub, string user) => RunAsync(c, hub, Act.Unban, null, user, null)), "unbanFromServer", "Lift a server ban (admins)");
        Route(api.MapPut("/address-bans/{address}", (HttpContext c, ChatHub hub, string address) => RunAsync(c, hub, Act.Ban, null, null, address)), "banAddress", "Ban an IP address (IPv6: its /64) from the server (admins)", withBody: true);
        Route(api.MapDelete("/address-bans/{address}", (HttpContext c, ChatHub hub, string address) => RunAsync(c, hub, Act.Unban, null, null, address)), "unbanAddress", "Lift an address ban (admins)");
        api.MapPut("/rooms/{room}/private", (HttpContext c, ChatHub hub, string room) => SetPrivateAsync(c, hub, room))
            .WithName("setRoomPrivate").WithSummary("Make a room private or public (its owner, moderators and admins; the protocol's room_set)").WithTags("Moderation")
            .Accepts<PrivacyRequest>("application/json").Produces<PrivacyResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404, 413);
    }

    private static void Route(RouteHandlerBuilder route, string name, string summary, bool withBody = false)
    {
        route.WithName(name).WithSummary(summary).WithTags("Moderation").ProducesErrors(400, 401, 403, 404, 413);
        if (withBody)
        {
            // No Accepts metadata: the body is optional (a ban without terms has none), and routing's content-type
            // policy refuses a request without a Content-Type to an endpoint that declares one, optional or not.
            route.Produces<ModerationResponse>(StatusCodes.Status200OK);
        }
        else
        {
            route.Produces(StatusCodes.Status204NoContent);
        }
    }

    internal static async Task<IResult> RunAsync(HttpContext context, ChatHub hub, Act act, string? room, string? user, string? address)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        // A body is optional (a ban without terms is a ban for good); a kick's body names the user.
        var terms = new ModerationBody(null, null, null, null);
        if (HasBody(context.Request))
        {
            var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.ModerationBody).ConfigureAwait(false);
            if (body.Error is { } error)
            {
                return error;
            }

            terms = body.Value!;
        }

        var request = ToRequest(act, room, user ?? terms.User, address, terms);
        if (!request.Succeeded)
        {
            return HttpErrors.Result(request.Error!);
        }

        var s = session.Value!;
        var result = act switch
        {
            Act.Kick => await hub.KickAsync(s, request.Value!, context.RequestAborted).ConfigureAwait(false),
            Act.Ban => await hub.BanAsync(s, request.Value!, context.RequestAborted).ConfigureAwait(false),
            Act.Unban => await hub.UnbanAsync(s, request.Value!, context.RequestAborted).ConfigureAwait(false),
            Act.Mute => await hub.MuteAsync(s, request.Value!, context.RequestAborted).ConfigureAwait(false),
            Act.Unmute => await hub.UnmuteAsync(s, request.Value!, context.RequestAborted).ConfigureAwait(false),
            Act.Op => await hub.SetModeratorAsync(s, request.Value!, moderator: true, context.RequestAborted).ConfigureAwait(false),
            _ => await hub.SetModeratorAsync(s, request.Value!, moderator: false, context.RequestAborted).ConfigureAwait(false),
        };
        if (!result.Succeeded)
        {
            return HttpErrors.Result(result.Error!);
        }

        if (context.Request.Method == HttpMethods.Delete || act is Act.Op)
        {
            return TypedResults.NoContent();
        }

        var done = result.Value!;
        return TypedResults.Json(
            new ModerationResponse(done.Room, done.User, address, done.Until is { } end ? WireTimestamp.Format(end) : null),
            RestJsonContext.Default.ModerationResponse);
    }

    /// <summary>The request as the protocol's frame makes it: the same duration rule, <c>until</c> as ISO 8601, addresses normalised.</summary>
    private static HubResult<ModerationRequest> ToRequest(Act act, string? room, string? user, string? address, ModerationBody terms)
    {
        TimeSpan? duration = null;
        if (terms.Duration is { } seconds)
        {
            var checkedDuration = ModerationTerms.DurationFromSeconds(seconds);
            if (!checkedDuration.Succeeded)
            {
                return checkedDuration.Error!;
            }

            duration = checkedDuration.Value;
        }

        DateTimeOffset? until = null;
        if (terms.Until is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return new HubError(ErrorCode.BadRequest, "\"until\" must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z");
            }

            until = parsed;
        }

        var normalized = AddressText.Normalize(address);
        if (address is not null && normalized is null && act == Act.Ban)
        {
            return new HubError(ErrorCode.BadRequest, $"'{address}' is not an IP address");
        }

        return HubResult<ModerationRequest>.Ok(new ModerationRequest(room, user, address is null ? null : normalized ?? address, terms.Reason, duration, until));
    }

    internal static bool HasBody(HttpRequest request)
        => request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static async Task<IResult> SetPrivateAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.PrivacyRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var set = await hub.SetRoomPrivateAsync(session.Value!, room, body.Value!.Private, context.RequestAborted).ConfigureAwait(false);
        return set.Succeeded
            ? TypedResults.Json(new PrivacyResponse(set.Value!, body.Value.Private!.Value), RestJsonContext.Default.PrivacyResponse)
            : HttpErrors.Result(set.Error!);
    }
}

/// <summary>
/// A moderation request's terms: <c>user</c> (a kick's target), <c>reason</c>, <c>duration</c> in seconds or
/// <c>until</c> (ISO 8601) for a ban or a mute; all optional elsewhere.
/// </summary>
public sealed record ModerationBody(string? User, string? Reason, double? Duration, string? Until);

public sealed record ModerationResponse(string? Room, string? User, string? Address, string? Until);

public sealed record PrivacyRequest(bool? Private);

public sealed record PrivacyResponse(string Room, bool Private);
