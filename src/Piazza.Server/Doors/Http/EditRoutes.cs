using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Edit over REST (docs/http-api.md): <c>PATCH /api/messages/{id}</c> with <c>{"text":"…"}</c> edits the caller's own
/// message as the protocol's <c>edit</c> does (the conversation hears <c>edited</c>); <c>GET /api/messages/{id}/versions</c>
/// answers every text it had, for the room's moderators, owner and server admins. Refusals are the protocol's codes.
/// </summary>
internal static class EditRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPatch("/messages/{id}", (HttpContext c, ChatHub hub, string id) => EditAsync(c, hub, id))
            .WithName("editMessage").WithSummary("Edit your own message").WithTags("Messages")
            .Accepts<EditRequest>("application/json").Produces<EditResponse>().ProducesErrors(400, 401, 403, 404, 413, 429);
        api.MapGet("/messages/{id}/versions", (HttpContext c, ChatHub hub, string id) => VersionsAsync(c, hub, id))
            .WithName("getMessageVersions").WithSummary("Every text a message had (moderators)").WithTags("Messages")
            .Produces<VersionsResponse>().ProducesErrors(401, 403, 404, 429);
    }

    private static async Task<IResult> EditAsync(HttpContext context, ChatHub hub, string id)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, EditJsonContext.Default.EditRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var edit = await hub.EditMessageAsync(session.Value!, id, body.Value!.Text, context.RequestAborted).ConfigureAwait(false);
        return edit.Value is { } e
            ? TypedResults.Json(new EditResponse(e.Room, e.MessageId, e.Seq, e.EditedAt is { } at ? WireTimestamp.Format(at) : null), EditJsonContext.Default.EditResponse)
            : HttpErrors.Result(edit.Error!);
    }

    private static async Task<IResult> VersionsAsync(HttpContext context, ChatHub hub, string id)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var versions = await hub.MessageVersionsAsync(session.Value!, id, context.RequestAborted).ConfigureAwait(false);
        return versions.Value is { } v
            ? TypedResults.Json(
                new VersionsResponse(v.Room, v.MessageId, v.Seq, [.. v.Versions.Select(x => new MessageVersionInfo { Text = x.Text, Ts = WireTimestamp.Format(x.Timestamp) })]),
                EditJsonContext.Default.VersionsResponse)
            : HttpErrors.Result(versions.Error!);
    }
}

public sealed record EditRequest(string? Text);

public sealed record EditResponse(string Room, string Msg, long Seq, string? EditedAt);

public sealed record VersionsResponse(string Room, string Msg, long Seq, IReadOnlyList<MessageVersionInfo> Versions);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(EditRequest))]
[JsonSerializable(typeof(EditResponse))]
[JsonSerializable(typeof(VersionsResponse))]
internal sealed partial class EditJsonContext : JsonSerializerContext;
