using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Full-text search over REST (docs/http-api.md): <c>GET /api/search?q=&amp;room=&amp;limit=&amp;before=</c> answers
/// <c>{"results":[message + "snippet"],"next":"N"}</c> as the protocol's <c>search</c> does, refusals as HttpErrors.
/// </summary>
internal static class SearchRoutes
{
    public static void Map(RouteGroupBuilder api)
        => api.MapGet("/search", (HttpContext c, ChatHub hub, string? q, string? room, string? limit, string? before) => SearchAsync(c, hub, q, room, limit, before))
            .WithName("search").WithSummary("Full-text search of the conversations you may read").WithTags("Search")
            .Produces<SearchResponse>().ProducesErrors(400, 401, 403, 404, 429);

    private static async Task<IResult> SearchAsync(HttpContext context, ChatHub hub, string? q, string? room, string? limit, string? before)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        int? count = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return HttpErrors.Result(ErrorCode.BadRequest, "\"limit\" must be a number");
            }

            count = parsed;
        }

        if (!SearchFrames.TryCursor(null, before, out var cursor, out var problem))
        {
            return HttpErrors.Result(ErrorCode.BadRequest, problem.Replace("\"cursor\"", "\"before\"", StringComparison.Ordinal));
        }

        var page = await hub.SearchAsync(session.Value!, q, string.IsNullOrEmpty(room) ? null : room, count, cursor, context.RequestAborted).ConfigureAwait(false);
        return page.Succeeded
            ? TypedResults.Json(new SearchResponse(SearchFrames.ToResults(page.Value!), SearchFrames.ToNext(page.Value!)), SearchJsonContext.Default.SearchResponse)
            : HttpErrors.Result(page.Error!);
    }
}

/// <summary>One page of search results; each has the protocol's <c>message</c> shape plus <c>snippet</c>.</summary>
public sealed record SearchResponse(IReadOnlyList<ServerFrame> Results, string? Next);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;
