using Piazza.Core.Conversations;
using Piazza.Core.Online;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Moderation;

/// <summary>What actions resolve against: targets, rooms, sanctions, and the removals they apply.</summary>
internal sealed class ModerationContext(HubContext hub, OnlineDirectory online, RoomService rooms, ConversationCache conversations, Sanctions sanctions)
{
    public HubContext Hub { get; } = hub;

    public OnlineDirectory Online { get; } = online;

    public RoomService Rooms { get; } = rooms;

    public ConversationCache Conversations { get; } = conversations;

    public Sanctions Sanctions { get; } = sanctions;

    public static HubError Forbidden(string message) => new(ErrorCode.Forbidden, message);

    /// <summary>
    /// A user online here, else an account or a guest online on another node (the name claims know), else an account,
    /// else (with <paramref name="allowUnknown"/>, bans only) a name nobody uses yet.
    /// </summary>
    public async Task<HubResult<ModerationTarget>> FindTargetAsync(string? name, CancellationToken cancellationToken, bool allowUnknown = false)
    {
        if (name is null)
        {
            return new HubError(ErrorCode.BadRequest, "\"user\" is required");
        }

        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var nameKey = UserNamePolicy.Fold(name);
        if (Online.FindByName(nameKey) is { } user)
        {
            return HubResult<ModerationTarget>.Ok(new ModerationTarget(user.Name, user.Key, nameKey, user.IsRegistered, user.IsAdmin, user, IsOnline: true));
        }

        var elsewhere = await Online.Claims.FindAsync(nameKey, cancellationToken).ConfigureAwait(false);
        if (elsewhere is { Registered: false })
        {
            return HubResult<ModerationTarget>.Ok(new ModerationTarget(elsewhere.Name, elsewhere.Identity, nameKey, false, false, null, IsOnline: true));
        }

        var store = Hub.Store;
        if (await store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false) is { } account)
        {
            var isAdmin = await store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
            return HubResult<ModerationTarget>.Ok(new ModerationTarget(account.Name, account.Key, nameKey, true, isAdmin, null, IsOnline: elsewhere is not null));
        }

        return allowUnknown
            ? HubResult<ModerationTarget>.Ok(new ModerationTarget(name, "~" + nameKey, nameKey, false, false, null, IsOnline: false))
            : new HubError(ErrorCode.NoSuchUser, $"there is no user '{name}'");
    }

    /// <summary>For actions that need both: the room (which the actor is in, or admin) and the target.</summary>
    public async Task<HubResult<(ChatRoom Room, ModerationTarget Who)>> RoomAndTargetAsync(ChatSession actor, ModerationRequest request, string action, CancellationToken cancellationToken)
    {
        if (request.Room is null)
        {
            return new HubError(ErrorCode.BadRequest, $"\"{action}\" needs \"room\"");
        }

        var resolved = await Rooms.ModeratedRoomAsync(actor, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var target = await FindTargetAsync(request.User, cancellationToken).ConfigureAwait(false);
        return target.Succeeded ? HubResult<(ChatRoom, ModerationTarget)>.Ok((resolved.Value!, target.Value!)) : target.Error!;
    }

    /// <summary>
    /// Whether the target is in the room: exactly when it is online here; on another node, an account's stored
    /// membership says (every device of it is in its stored rooms), and a guest's rooms are known only to its node,
    /// so it is taken to be (the removal is a no-op there if not).
    /// </summary>
    public async Task<bool> IsInRoomAsync(ModerationTarget who, ChatRoom room, CancellationToken cancellationToken)
    {
        if (who.Here is { } user)
        {
            return user.IsInRoom(room.Key);
        }

        if (!who.IsOnline)
        {
            return false;
        }

        return !who.Registered || (await Hub.Store.RoomsOfAsync(who.Key, cancellationToken).ConfigureAwait(false)).Contains(room.Key);
    }
}
