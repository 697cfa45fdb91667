using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Core.Conversations;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Messages and read markers over REST (docs/http-api.md, "REST parity"): <c>DELETE /api/messages/{id}</c> is the
/// protocol's <c>delete</c> (the author's account or the room's moderators; a hidden message is <c>no_such_message</c>
/// like a missing one), and <c>PUT /api/conversations/{id}/read</c> the protocol's <c>read</c> for a private or group
/// conversation (beside <c>PUT /api/rooms/{room}/read</c>).
/// </summary>
internal static class MessageRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapDelete("/messages/{id}", (HttpContext c, ChatHub hub, string id) => DeleteAsync(c, hub, id))
            .WithName("deleteMessage").WithSummary("Delete a message: its author's account, or the room's moderators (the protocol's delete)").WithTags("Messages")
            .Produces<DeletedResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404);
        api.MapPut("/conversations/{id}/read", (HttpContext c, ChatHub hub, string id) => ReadStateRoutes.MarkReadAsync(c, hub, id))
            .WithName("markConversationRead").WithSummary("Store the read position in a private or group conversation (never backwards)").WithTags("Read state")
            .Accepts<ReadRequest>("application/json").Produces<ReadResponse>(StatusCodes.Status200OK).ProducesErrors(400, 401, 403, 404, 413);
    }

    /// <summary>
    /// The other participants a conversation id names (<c>@alice,bob,carol</c> → bob, carol for alice), checked as the
    /// protocol checks an id (<c>bad_request</c> when not canonical, <c>forbidden</c> when not the caller's); null
    /// when <paramref name="to"/> is a user name, not an id.
    /// </summary>
    internal static HubResult<IReadOnlyList<string>>? Recipients(ChatSession session, string to)
    {
        if (!DirectConversationId.IsDirect(to))
        {
            return null;
        }

        var checkedId = DirectConversationIdRule.Check(to, session.User.Key);
        if (!checkedId.Succeeded)
        {
            return checkedId.Error!;
        }

        DirectConversationId.TryParticipants(checkedId.Value!, out var keys);
        return HubResult<IReadOnlyList<string>>.Ok([.. keys.Where(k => k != session.User.Key)]);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ChatHub hub, string id)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var deleted = await hub.DeleteMessageAsync(session.Value!, null, id, context.RequestAborted).ConfigureAwait(false);
        return deleted.Value is { } d
            ? TypedResults.Json(new DeletedResponse(d.Room, d.MessageId, d.Seq), RestJsonContext.Default.DeletedResponse)
            : HttpErrors.Result(deleted.Error!);
    }
}

/// <summary>What a delete removed: the conversation, the message id and its seq (the seq stays, the text goes).</summary>
public sealed record DeletedResponse(string Room, string Msg, long Seq);
