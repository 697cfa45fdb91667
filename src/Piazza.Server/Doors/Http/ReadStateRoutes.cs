using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Read state over REST (docs/http-api.md): <c>GET /api/conversations</c> lists the caller's rooms and recent private
/// conversations with <c>seq</c>, <c>read</c>, <c>unread</c> and <c>mentions</c> (the shape of <c>welcome</c>'s
/// <c>conversations</c>); <c>PUT /api/rooms/{room}/read</c> with <c>{"seq":N}</c> stores the read position as the
/// protocol's <c>read</c> does (the account's live connections hear it) and answers the position stored now.
/// </summary>
internal static class ReadStateRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/conversations", ConversationsAsync)
            .WithName("listConversations").WithSummary("Your rooms and recent private conversations with read state").WithTags("Read state")
            .Produces<List<ConversationInfo>>().ProducesErrors(401, 403, 429);
        api.MapPut("/rooms/{room}/read", (HttpContext c, ChatHub hub, string room) => MarkReadAsync(c, hub, room))
            .WithName("markRead").WithSummary("Store your read position in a conversation").WithTags("Read state")
            .Accepts<ReadRequest>("application/json").Produces<ReadResponse>().ProducesErrors(400, 401, 403, 404, 429);
    }

    private static async Task<IResult> ConversationsAsync(HttpContext context, ChatHub hub)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var counts = await hub.ConversationsAsync(session.Value!, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json([.. counts.Select(JsonLinesEventEncoder.ToConversationInfo)], ReadStateJsonContext.Default.ListConversationInfo);
    }

    /// <summary>A read position in a room or a private or group conversation (both routes: the hub tells them apart by the id).</summary>
    internal static async Task<IResult> MarkReadAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, ReadStateJsonContext.Default.ReadRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var read = await hub.MarkReadAsync(session.Value!, room, body.Value!.Seq, context.RequestAborted).ConfigureAwait(false);
        return read.Succeeded
            ? TypedResults.Json(new ReadResponse(read.Value.Room, read.Value.Seq), ReadStateJsonContext.Default.ReadResponse)
            : HttpErrors.Result(read.Error!);
    }
}

public sealed record ReadRequest(long? Seq);

public sealed record ReadResponse(string Room, long Seq);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(ReadRequest))]
[JsonSerializable(typeof(ReadResponse))]
[JsonSerializable(typeof(List<ConversationInfo>))]
internal sealed partial class ReadStateJsonContext : JsonSerializerContext;
