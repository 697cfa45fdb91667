using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Tokens and sessions over REST (docs/http-api.md, "Tokens, sessions and bots"): <c>GET/POST /api/tokens</c>,
/// <c>DELETE /api/tokens/{name}</c>, <c>GET /api/sessions</c>, <c>DELETE /api/sessions/{id}</c> and
/// <c>DELETE /api/sessions?others=true</c>. Only a password session (a token from <c>/api/login</c>) may use them.
/// </summary>
internal static class TokenRoutes
{
    private const string Tag = "Tokens and sessions";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tokens", (HttpContext c, ChatHub hub) => ListTokensAsync(c, hub))
            .WithName("ListTokens").WithSummary("The account's named tokens (never their secrets)").WithTags(Tag)
            .Produces<List<TokenInfo>>(StatusCodes.Status200OK).Produces<ErrorResponse>(StatusCodes.Status401Unauthorized).Produces<ErrorResponse>(StatusCodes.Status403Forbidden);
        api.MapPost("/tokens", (HttpContext c, ChatHub hub) => CreateTokenAsync(c, hub))
            .WithName("CreateToken").WithSummary("Creates a named token with scopes; its secret is in this answer only").WithTags(Tag)
            .Accepts<CreateTokenRequest>("application/json")
            .Produces<CreatedTokenResponse>(StatusCodes.Status201Created).Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized).Produces<ErrorResponse>(StatusCodes.Status403Forbidden)
            .Produces<ErrorResponse>(StatusCodes.Status409Conflict).Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/tokens/{name}", (HttpContext c, ChatHub hub, string name) => RevokeTokenAsync(c, hub, name))
            .WithName("RevokeToken").WithSummary("Revokes a named token; connections using it end").WithTags(Tag)
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden).Produces<ErrorResponse>(StatusCodes.Status404NotFound);
        api.MapGet("/sessions", (HttpContext c, ChatHub hub) => ListSessionsAsync(c, hub))
            .WithName("ListSessions").WithSummary("The account's sessions (logins), the asking one marked current").WithTags(Tag)
            .Produces<List<SessionListing>>(StatusCodes.Status200OK).Produces<ErrorResponse>(StatusCodes.Status401Unauthorized).Produces<ErrorResponse>(StatusCodes.Status403Forbidden);
        api.MapDelete("/sessions/{id}", (HttpContext c, ChatHub hub, string id) => RevokeSessionsAsync(c, hub, id, others: false))
            .WithName("RevokeSession").WithSummary("Revokes one session; its connections end").WithTags(Tag)
            .Produces<RevokedSessionsResponse>(StatusCodes.Status200OK).Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden).Produces<ErrorResponse>(StatusCodes.Status404NotFound);
        api.MapDelete("/sessions", (HttpContext c, ChatHub hub) => RevokeSessionsAsync(c, hub, null, others: true))
            .WithName("RevokeOtherSessions").WithSummary("Revokes every session but the asking one (log out other devices)").WithTags(Tag)
            .Produces<RevokedSessionsResponse>(StatusCodes.Status200OK).Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized).Produces<ErrorResponse>(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ListTokensAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var list = await hub.TokensAsync(session.Value!, context.RequestAborted).ConfigureAwait(false);
        return list.Succeeded
            ? TypedResults.Json([.. list.Value!.Select(JsonLinesConnection.ToWire)], TokenJsonContext.Default.ListTokenInfo)
            : HttpErrors.Result(list.Error!);
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, TokenJsonContext.Default.CreateTokenRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var created = await hub.CreateTokenAsync(session.Value!, body.Value!.Name, body.Value.Scopes, body.Value.Days, context.RequestAborted).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return HttpErrors.Result(created.Error!);
        }

        var info = JsonLinesConnection.ToWire(created.Value!.Info);
        return TypedResults.Json(
            new CreatedTokenResponse(created.Value.Secret, info.Name, info.Scopes, info.Created, info.Expires),
            TokenJsonContext.Default.CreatedTokenResponse,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeTokenAsync(HttpContext context, ChatHub hub, string name)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var revoked = await hub.RevokeNamedTokenAsync(session.Value!, name, context.RequestAborted).ConfigureAwait(false);
        return revoked.Succeeded ? TypedResults.NoContent() : HttpErrors.Result(revoked.Error!);
    }

    private static async Task<IResult> ListSessionsAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var list = await hub.SessionsAsync(session.Value!, context.RequestAborted).ConfigureAwait(false);
        return list.Succeeded
            ? TypedResults.Json([.. list.Value!.Select(JsonLinesConnection.ToWire)], TokenJsonContext.Default.ListSessionListing)
            : HttpErrors.Result(list.Error!);
    }

    private static async Task<IResult> RevokeSessionsAsync(HttpContext context, ChatHub hub, string? id, bool others)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        // The token first (401 before 400); then the one form without an id: ?others=true, every session but this one.
        if (id is null && !string.Equals(context.Request.Query["others"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return HttpErrors.Result(ErrorCode.BadRequest, "DELETE /api/sessions needs ?others=true (every session but this one)");
        }

        var revoked = await hub.RevokeSessionsAsync(session.Value!, id, others, context.RequestAborted).ConfigureAwait(false);
        return revoked.Succeeded
            ? TypedResults.Json(new RevokedSessionsResponse(revoked.Value), TokenJsonContext.Default.RevokedSessionsResponse)
            : HttpErrors.Result(revoked.Error!);
    }

    /// <summary>
    /// The protocol word a REST request is checked as (<see cref="ChatHub.CheckScope"/>): token and session management
    /// as <c>tokens</c> (a password session only), logout as <c>logout</c> (any token), moderation paths as <c>kick</c>
    /// (moderate), pinning as <c>pin</c>, other reads (GET, HEAD) as <c>history</c> (read) and other writes as <c>send</c>.
    /// </summary>
    internal static string OperationOf(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
        if (path.StartsWith("/api/tokens", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api/sessions", StringComparison.OrdinalIgnoreCase))
        {
            return FrameTypes.Tokens;
        }

        if (path.StartsWith("/api/admin/", StringComparison.OrdinalIgnoreCase))
        {
            return Core.Tokens.ScopeRule.AdminOperation;
        }

        if (path.Equals("/api/logout", StringComparison.OrdinalIgnoreCase))
        {
            return FrameTypes.Logout;
        }

        if (safe)
        {
            return FrameTypes.History;
        }

        // Only the route's literal segments count: a room or user named "bans" must not make a send a moderation.
        var segments = LiteralSegments(context);
        return segments.Any(ModerationSegments.Contains) ? FrameTypes.Kick
            : segments.Any(s => s.Equals("pins", StringComparison.OrdinalIgnoreCase)) ? FrameTypes.Pin
            : FrameTypes.Send;
    }

    private static IEnumerable<string> LiteralSegments(HttpContext context)
        => context.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern }
            ? pattern.PathSegments.SelectMany(segment => segment.Parts).OfType<RoutePatternLiteralPart>().Select(part => part.Content)
            : [];

    private static readonly HashSet<string> ModerationSegments = new(StringComparer.OrdinalIgnoreCase)
    {
        "kick", "kicks", "ban", "bans", "address-bans", "unban", "mute", "mutes", "unmute", "op", "ops", "deop", "moderators",
        "moderation", "invitations", "invite", "settings", "private", "webhooks",
    };
}

public sealed record CreateTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? Days = null);

public sealed record CreatedTokenResponse(string Token, string Name, IReadOnlyList<string> Scopes, string Created, string? Expires);

public sealed record RevokedSessionsResponse(int Revoked);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreatedTokenResponse))]
[JsonSerializable(typeof(RevokedSessionsResponse))]
[JsonSerializable(typeof(List<TokenInfo>))]
[JsonSerializable(typeof(List<SessionListing>))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
