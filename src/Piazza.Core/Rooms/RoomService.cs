using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Protocol;

namespace Piazza.Core.Rooms;

/// <summary>Rooms: join (creating), leave, list, topic, who, and finding a room a request names.</summary>
internal sealed class RoomService(HubContext hub, ConversationCache conversations, Attacher attacher, Sanctions sanctions, SlowConsumers slowConsumers)
{
    /// <summary>Joins a room, creating it (with the joiner as owner) when it does not exist; every device of the user enters it.</summary>
    public async Task<HubResult<string>> JoinAsync(ChatSession session, string? room, CancellationToken cancellationToken)
    {
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        room = RoomNamePolicy.Normalize(room!);
        var key = RoomNamePolicy.Fold(room);
        var user = session.User;
        if (sanctions.RoomBanError(user, key, room!) is { } banned)
        {
            return banned;
        }

        var chatRoom = await conversations.LoadAsync(key).ConfigureAwait(false) as ChatRoom;
        if (chatRoom is null)
        {
            if (!RoomNamePolicy.IsAcceptableNew(room, out problem))
            {
                return new HubError(ErrorCode.BadRequest, problem);
            }

            if (await hub.Store.FindConfusableRoomAsync(NameSkeleton.Of(room), key, cancellationToken).ConfigureAwait(false) is { } lookAlike)
            {
                return new HubError(ErrorCode.NameConfusable, $"'{room}' looks too much like the room '{lookAlike}'; join that one or choose a more distinct name");
            }

            var record = new Storage.RoomRecord(key, room!, null, user.IsRegistered ? user.Key : null, hub.Now);
            await hub.Store.TryCreateRoomAsync(record, cancellationToken).ConfigureAwait(false);

            // A guest owns its room while the room stays in memory; only accounts are stored as owners.
            chatRoom = await conversations.AddCreatedAsync(key, room!, user.Key).ConfigureAwait(false);
            if (chatRoom is null)
            {
                return new HubError(ErrorCode.ServerError, $"room '{room}' could not be created");
            }
        }

        if (user.IsInRoom(key))
        {
            return HubResult<string>.Ok(chatRoom.Name);
        }

        var maxRooms = hub.Options.MaxRoomsPerUser;
        if (!user.TryAddRoom(key, maxRooms))
        {
            // A concurrent join of the same room from another device got there first: not an error.
            return user.IsInRoom(key) ? HubResult<string>.Ok(chatRoom.Name) : new HubError(ErrorCode.TooManyRooms, $"you are in {maxRooms} rooms already; leave one first");
        }

        if (user.IsRegistered)
        {
            await hub.Store.AddMemberAsync(key, user.Key, cancellationToken).ConfigureAwait(false);
        }

        foreach (var device in user.Sessions)
        {
            await attacher.AttachAsync(device, chatRoom, null, cancellationToken).ConfigureAwait(false);
        }

        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Leaves a room on every device; the room hears <c>left</c> with reason <c>left</c>.</summary>
    public async Task<HubResult<string>> LeaveAsync(ChatSession session, string? room, CancellationToken cancellationToken)
    {
        var resolved = await ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        await RemoveUserAsync(session.User, chatRoom, LeaveReason.Left, null, null, cancellationToken).ConfigureAwait(false);
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Takes a user out of a room on every device (a leave, a kick, a ban): memory, then the stored membership.</summary>
    public async Task RemoveUserAsync(ChatUser user, ChatRoom room, LeaveReason reason, string? message, string? by, CancellationToken cancellationToken)
    {
        slowConsumers.Run(overflowed => RemoveInMemory(user, room, reason, message, by, overflowed));
        if (user.IsRegistered)
        {
            await hub.Store.RemoveMemberAsync(room.Key, user.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The in-memory half of a removal: the room hears <c>left</c>, every device of the user detaches.</summary>
    public void RemoveInMemory(ChatUser user, ChatRoom room, LeaveReason reason, string? message, string? by, List<ChatSession> overflowed)
    {
        user.RemoveRoom(room.Key);
        room.RemoveUser(user, reason, message, hub.Now, overflowed, by);
        foreach (var device in user.Sessions)
        {
            device.Detached(room);
        }
    }

    /// <summary>Every room: name, topic, how many users are present, and whether the asker is in it.</summary>
    public async Task<IReadOnlyList<RoomListing>> ListAsync(ChatSession session, CancellationToken cancellationToken)
    {
        var stored = await hub.Store.ListRoomsAsync(cancellationToken).ConfigureAwait(false);
        var listings = new List<RoomListing>(stored.Count);
        foreach (var summary in stored)
        {
            var live = conversations.Find(summary.Room.Key) as ChatRoom;
            listings.Add(new RoomListing(live?.Name ?? summary.Room.Name, live?.Topic ?? summary.Room.Topic, live?.PresentCount ?? 0, session.User.IsInRoom(summary.Room.Key)));
        }

        return listings;
    }

    /// <summary>Sets a room's topic (a locked topic: its owner and moderators only); everyone in the room hears <c>topic</c>.</summary>
    public async Task<HubResult<string>> SetTopicAsync(ChatSession session, string? room, string? topic, CancellationToken cancellationToken)
    {
        var resolved = await ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        if (!ModerationPolicy.CanSetTopic(Ranks.In(chatRoom, session.User), chatRoom.TopicLocked))
        {
            return new HubError(ErrorCode.Forbidden, $"the topic of '{chatRoom.Name}' is locked: only its owner and moderators can set it");
        }

        var text = string.IsNullOrWhiteSpace(topic) ? null : topic.Trim();
        if (text?.Length > ChatHub.MaxTopicChars)
        {
            return new HubError(ErrorCode.TooLarge, $"topics are at most {ChatHub.MaxTopicChars} characters");
        }

        if (text is not null && !UnicodeHygiene.CheckText(text, allowNewlines: false, out var textProblem))
        {
            return new HubError(ErrorCode.BadText, textProblem);
        }

        await hub.Store.SetTopicAsync(chatRoom.Key, text, cancellationToken).ConfigureAwait(false);
        slowConsumers.Run(overflowed => chatRoom.SetTopic(text, session.User.Name, hub.Now, overflowed));
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Who is present in a room (any room that exists; being in it is not required).</summary>
    public async Task<HubResult<IReadOnlyList<PresenceEntry>>> WhoAsync(string? room)
    {
        var key = RoomNamePolicy.Fold(room ?? ChatHub.LobbyName);
        if (!RoomNamePolicy.IsValid(room ?? ChatHub.LobbyName, out _) || await conversations.LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        return HubResult<IReadOnlyList<PresenceEntry>>.Ok(chatRoom.Presence());
    }

    /// <summary>A room that exists and that the session's user is in.</summary>
    public Task<HubResult<ChatRoom>> ResolveRoomAsync(ChatSession session, string? room) => FindRoomAsync(session, room, adminsNeedNotBeIn: false);

    /// <summary>A room that exists and that the actor is in (admins need not be).</summary>
    public Task<HubResult<ChatRoom>> ModeratedRoomAsync(ChatSession session, string? room) => FindRoomAsync(session, room, adminsNeedNotBeIn: true);

    private async Task<HubResult<ChatRoom>> FindRoomAsync(ChatSession session, string? room, bool adminsNeedNotBeIn)
    {
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var key = RoomNamePolicy.Fold(room!);
        if (await conversations.LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        if (!session.User.IsInRoom(key) && !(adminsNeedNotBeIn && session.User.IsAdmin))
        {
            return new HubError(ErrorCode.NotInRoom, adminsNeedNotBeIn ? $"you are not in '{chatRoom.Name}'" : $"you are not in '{chatRoom.Name}'; join it first");
        }

        return HubResult<ChatRoom>.Ok(chatRoom);
    }
}
