using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Accounts in the admin API (docs/http-api.md, "Administration"): a password reset (a temporary password, every token
/// revoked, sessions ended) and disabling or enabling an account. A body with a <c>reason</c> is optional on each.
/// </summary>
internal static class AdminAccountRoutes
{
    public static void Map(RouteGroupBuilder admin)
    {
        AdminRoutes.Route(admin.MapPost("/users/{user}/password-reset", (HttpContext c, ChatHub hub, string user) => ResetAsync(c, hub, user)), "adminResetPassword", "Give an account a temporary password (answered once), revoke its tokens and end its sessions")
            .Produces<PasswordResetResponse>().ProducesErrors(400, 404, 413);
        AdminRoutes.Route(admin.MapPut("/users/{user}/disabled", (HttpContext c, ChatHub hub, string user) => SetDisabledAsync(c, hub, user, disabled: true)), "adminDisableAccount", "Disable an account: no login or token of it works, its sessions end on every node")
            .Produces<AccountStateResponse>().ProducesErrors(400, 404, 413);
        AdminRoutes.Route(admin.MapDelete("/users/{user}/disabled", (HttpContext c, ChatHub hub, string user) => SetDisabledAsync(c, hub, user, disabled: false)), "adminEnableAccount", "Enable a disabled account again (its tokens work again)")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 404, 413);
    }

    /// <summary>The optional body's reason (audited); no body is no reason.</summary>
    private static async Task<(string? Reason, IResult? Error)> ReasonAsync(HttpContext context)
    {
        if (!ModerationRoutes.HasBody(context.Request))
        {
            return (null, null);
        }

        var body = await HttpApi.ReadBodyAsync(context, RestJsonContext.Default.ModerationBody).ConfigureAwait(false);
        return (body.Value?.Reason, body.Error);
    }

    private static async Task<IResult> ResetAsync(HttpContext context, ChatHub hub, string user)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var (reason, error) = await ReasonAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var reset = await hub.ResetPasswordAsync(session.Value!, user, reason, context.RequestAborted).ConfigureAwait(false);
        if (reset.Value is not { } done)
        {
            return HttpErrors.Result(reset.Error!);
        }

        // A secret: never kept by a cache on the way.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new PasswordResetResponse(done.User, done.TemporaryPassword), AdminJsonContext.Default.PasswordResetResponse);
    }

    private static async Task<IResult> SetDisabledAsync(HttpContext context, ChatHub hub, string user, bool disabled)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var (reason, error) = await ReasonAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var set = await hub.SetAccountDisabledAsync(session.Value!, user, disabled, reason, context.RequestAborted).ConfigureAwait(false);
        if (!set.Succeeded)
        {
            return HttpErrors.Result(set.Error!);
        }

        return disabled ? TypedResults.Json(new AccountStateResponse(set.Value!, Disabled: true), AdminJsonContext.Default.AccountStateResponse) : TypedResults.NoContent();
    }
}
