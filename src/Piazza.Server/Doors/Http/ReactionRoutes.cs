using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Reactions over REST (docs/http-api.md): <c>PUT /api/messages/{id}/reactions/{emoji}</c> adds the caller's reaction
/// and <c>DELETE</c> removes it, as the protocol's <c>react</c>/<c>unreact</c> do (the emoji URL-encoded, or a
/// <c>:shortcode:</c>); both answer <c>200</c> with the message's conversation, id, seq and the emoji as stored.
/// </summary>
internal static class ReactionRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut("/messages/{id}/reactions/{emoji}", (HttpContext c, ChatHub hub, string id, string emoji) => ReactAsync(c, hub, id, emoji, on: true))
            .WithName("addReaction").WithSummary("Add your reaction to a message").WithTags("Reactions")
            .Produces<ReactionResponse>().ProducesErrors(400, 401, 403, 404, 409, 429);
        api.MapDelete("/messages/{id}/reactions/{emoji}", (HttpContext c, ChatHub hub, string id, string emoji) => ReactAsync(c, hub, id, emoji, on: false))
            .WithName("removeReaction").WithSummary("Take back your reaction to a message").WithTags("Reactions")
            .Produces<ReactionResponse>().ProducesErrors(400, 401, 403, 404, 409, 429);
    }

    private static async Task<IResult> ReactAsync(HttpContext context, ChatHub hub, string id, string emoji, bool on)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var done = await hub.ReactAsync(session.Value!, id, emoji, on, context.RequestAborted).ConfigureAwait(false);
        return done.Value is { } outcome
            ? TypedResults.Json(new ReactionResponse(outcome.Room, outcome.MessageId, outcome.Seq, outcome.Emoji, outcome.On), ReactionJsonContext.Default.ReactionResponse)
            : HttpErrors.Result(done.Error!);
    }
}

public sealed record ReactionResponse(string Room, string Msg, long Seq, string Emoji, bool On);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(ReactionResponse))]
internal sealed partial class ReactionJsonContext : JsonSerializerContext;
