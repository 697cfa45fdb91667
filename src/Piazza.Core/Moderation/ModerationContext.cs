using Piazza.Core.Conversations;
using Piazza.Core.Online;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Moderation;

/// <summary>What actions resolve against: targets, rooms, sanctions, and the removals they apply.</summary>
internal sealed class ModerationContext(
    HubContext hub, OnlineDirectory online, RoomService rooms, ConversationCache conversations, Sanctions sanctions, Action<ChatSession, LeaveReason> retire)
{
    public HubContext Hub { get; } = hub;

    public OnlineDirectory Online { get; } = online;

    public RoomService Rooms { get; } = rooms;

    public ConversationCache Conversations { get; } = conversations;

    public Sanctions Sanctions { get; } = sanctions;

    public static HubError Forbidden(string message) => new(ErrorCode.Forbidden, message);

    /// <summary>An online user, else an account, else (with <paramref name="allowUnknown"/>, bans only) a name nobody uses yet.</summary>
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
            return HubResult<ModerationTarget>.Ok(new ModerationTarget(user.Name, user.Key, nameKey, user.IsRegistered, user.IsAdmin, user));
        }

        var store = Hub.Store;
        if (await store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false) is { } account)
        {
            var isAdmin = await store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
            return HubResult<ModerationTarget>.Ok(new ModerationTarget(account.Name, account.Key, nameKey, true, isAdmin, null));
        }

        return allowUnknown
            ? HubResult<ModerationTarget>.Ok(new ModerationTarget(name, "~" + nameKey, nameKey, false, false, null))
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
    /// Disconnects a user (every device, or only <paramref name="connections"/>): each connection is told
    /// <paramref name="noticeKind"/> first, rooms hear <c>left</c> with <paramref name="reason"/>, connections close after flushing.
    /// </summary>
    public void RemoveFromServer(
        ChatUser target, LeaveReason reason, string? message, string by, string noticeKind, DateTimeOffset? until, ChatSession[]? connections, List<ChatSession> overflowed)
    {
        var now = Hub.Now;
        var notice = new ModerationEvent(noticeKind, null, target.Name, by, message, until, now);
        var leaving = connections ?? target.Sessions;
        foreach (var session in leaving)
        {
            session.Connection.TryEnqueue(notice);
        }

        if (connections is null)
        {
            foreach (var key in target.Rooms)
            {
                if (Conversations.Find(key) is ChatRoom room)
                {
                    room.RemoveUser(target, reason, message, now, overflowed, by);
                }
            }
        }

        foreach (var session in leaving)
        {
            retire(session, reason);
            session.Connection.Close(flush: true);
        }
    }
}
