using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Protocol;

namespace Piazza.Core.Rooms;

/// <summary>
/// Rooms: join (creating), leave, list, topic, who, and finding a room a request names. A join or a leave is the
/// user's on every device: other nodes are told (<see cref="MemberJoinedSignal"/>, <see cref="MemberLeftSignal"/>)
/// and <see cref="RemoteMembership"/> applies it to the user's connections there.
/// </summary>
internal sealed class RoomService(
    HubContext hub, ConversationCache conversations, Attacher attacher, Sanctions sanctions, SlowConsumers slowConsumers, Limits.RoomCreationThrottle creations, ClusterPresence presence,
    Reading.ReadCounter reads)
{
    /// <summary>
    /// Joins a room, creating it (with the joiner as owner) when it does not exist; every device of the user enters it.
    /// Creating is throttled per account and per address, and guests may be refused it (<see cref="ChatHubOptions.GuestsMayCreateRooms"/>).
    /// </summary>
    public async Task<HubResult<string>> JoinAsync(ChatSession session, string? room, CancellationToken cancellationToken, bool createPrivate = false)
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

        // Held until every device has entered, so a guest's room cannot be deleted under the joiner.
        ChatRoom chatRoom;
        do
        {
            var found = await FindOrCreateAsync(session, key, room!, createPrivate, cancellationToken).ConfigureAwait(false);
            if (!found.Succeeded)
            {
                return found.Error!;
            }

            chatRoom = found.Value!;
        }
        while (!chatRoom.TryHold());

        // A private room lets in its members, its owner and moderators, admins, and an invitation (used up here).
        if (await PrivateRooms.AdmitAsync(hub, session.User, chatRoom, room!, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            chatRoom.Release();
            return refused;
        }

        try
        {
            return await EnterAsync(session, chatRoom, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            chatRoom.Release();
        }
    }

    private async Task<HubResult<ChatRoom>> FindOrCreateAsync(ChatSession session, string key, string room, bool createPrivate, CancellationToken cancellationToken)
    {
        if (await conversations.LoadAsync(key).ConfigureAwait(false) is ChatRoom existing)
        {
            return HubResult<ChatRoom>.Ok(existing);
        }

        var user = session.User;
        if (!user.IsRegistered && !hub.Options.GuestsMayCreateRooms)
        {
            return new HubError(ErrorCode.Forbidden, $"there is no room '{room}', and guests cannot create rooms on this server; register to create one");
        }

        if (createPrivate && !user.IsRegistered)
        {
            return new HubError(ErrorCode.Forbidden, "guests cannot create private rooms; register to create one");
        }

        if (!RoomNamePolicy.IsAcceptableNew(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        // Refused before it exists: a room nobody could enter would only take a creation and linger.
        if (hub.Options.MaxRoomsPerUser is > 0 and var maxRooms && user.RoomCount >= maxRooms)
        {
            return new HubError(ErrorCode.TooManyRooms, $"you are in {maxRooms} rooms already; leave one first");
        }

        if (await hub.Store.FindConfusableRoomAsync(NameSkeleton.Of(room), key, cancellationToken).ConfigureAwait(false) is { } lookAlike)
        {
            // A private room's name is not told to whoever may not see it (docs/protocol.md, "Private rooms").
            var hidden = await conversations.LoadAsync(RoomNamePolicy.Fold(lookAlike)).ConfigureAwait(false) is ChatRoom { IsPrivate: true } && PrivateRooms.HiddenFrom(user, RoomNamePolicy.Fold(lookAlike));
            return new HubError(ErrorCode.NameConfusable, hidden
                ? $"'{room}' looks too much like an existing room; choose a more distinct name"
                : $"'{room}' looks too much like the room '{lookAlike}'; join that one or choose a more distinct name");
        }

        if (creations.TryAcquire(user.Key, session.Connection.RemoteAddress) is { } limited)
        {
            return limited;
        }

        // A guest's room is stored (its messages are) but lasts only while someone is in it; its owner is in memory.
        var createdByGuest = !user.IsRegistered;
        var record = new Storage.RoomRecord(key, room, null, createdByGuest ? null : user.Key, hub.Now, createdByGuest) { Private = createPrivate };
        await hub.Store.TryCreateRoomAsync(record, cancellationToken).ConfigureAwait(false);
        var created = await conversations.AddCreatedAsync(key, room, user.Key, createdByGuest, createPrivate).ConfigureAwait(false);
        return created is null ? new HubError(ErrorCode.ServerError, $"room '{room}' could not be created") : HubResult<ChatRoom>.Ok(created);
    }

    private async Task<HubResult<string>> EnterAsync(ChatSession session, ChatRoom chatRoom, CancellationToken cancellationToken)
    {
        var user = session.User;
        var key = chatRoom.Key;
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

        var counts = await reads.CountOneAsync(user, key, chatRoom.Name, cancellationToken).ConfigureAwait(false);
        foreach (var device in user.Sessions)
        {
            await attacher.AttachAsync(device, chatRoom, null, counts, cancellationToken).ConfigureAwait(false);
        }

        // A guest's identity is one login, so all its devices are here; an account's may be on other nodes too.
        if (user.IsRegistered)
        {
            hub.Bus.Publish(new MemberJoinedSignal(hub.Bus.NodeId, key, user.Key));
        }

        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>The user's read state in a room, for the room frame of a join made on another node; null when the store cannot say.</summary>
    public async Task<ReadCounts?> ReadCountsAsync(ChatUser user, ChatRoom room)
    {
        try
        {
            return await reads.CountOneAsync(user, room.Key, room.Name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return null; // the store is unavailable: the room frame goes without counts; the client counts what arrives
        }
        catch (System.Data.Common.DbException)
        {
            return null;
        }
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
        slowConsumers.Run(overflowed => RemoveInMemory(user, room, reason, message, by, hub.Now, overflowed));
        if (user.IsRegistered)
        {
            await hub.Store.RemoveMemberAsync(room.Key, user.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The in-memory half of a removal: the room hears <c>left</c> (stamped <paramref name="at"/>), every device of the
    /// user detaches, here and, told by a <see cref="MemberLeftSignal"/>, on the other nodes.
    /// </summary>
    public void RemoveInMemory(ChatUser user, ChatRoom room, LeaveReason reason, string? message, string? by, DateTimeOffset at, List<ChatSession> overflowed)
    {
        RemoveHere(user, room, reason, message, by, at, overflowed);
        hub.Bus.Publish(new MemberLeftSignal(hub.Bus.NodeId, room.Key, user.Key, user.Name, reason, message, by));
    }

    /// <summary><see cref="RemoveInMemory"/> on this node only (another node said so).</summary>
    public void RemoveHere(ChatUser user, ChatRoom room, LeaveReason reason, string? message, string? by, DateTimeOffset at, List<ChatSession> overflowed)
    {
        user.RemoveRoom(room.Key);
        room.RemoveUser(user, reason, message, at, overflowed, by);
        foreach (var device in user.Sessions)
        {
            device.Detached(room);
        }
    }

    /// <summary>
    /// One page of the room list, ordered by folded name: up to <paramref name="limit"/> rooms (default
    /// <see cref="ChatHub.DefaultRoomsPage"/>, at most <see cref="ChatHub.MaxRoomsPage"/>) after the room named
    /// <paramref name="cursor"/> (the <c>next</c> of the previous page). Each with its topic, how many users are present
    /// and whether the asker is in it; <see cref="RoomPage.Next"/> is null on the last page.
    /// </summary>
    public async Task<HubResult<RoomPage>> ListAsync(ChatSession session, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ChatHub.MaxRoomsPage)
        {
            return new HubError(ErrorCode.BadRequest, $"\"limit\" must be between 1 and {ChatHub.MaxRoomsPage}");
        }

        if (cursor is not null && !RoomNamePolicy.IsValid(cursor, out _))
        {
            return new HubError(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page (a room name)");
        }

        var size = limit ?? ChatHub.DefaultRoomsPage;

        // Private rooms hidden from the asker are skipped and the store read on until the page is full, so "next" is
        // always a room the asker was shown: a hidden room's name never travels as a cursor. One more row than the
        // page tells whether another page follows, without a count.
        var after = cursor is null ? null : RoomNamePolicy.Fold(RoomNamePolicy.Normalize(cursor));
        var listings = new List<RoomListing>(size);
        var more = false;
        while (!more)
        {
            var stored = await hub.Store.ListRoomsAsync(after, size + 1, cancellationToken).ConfigureAwait(false);
            foreach (var summary in stored)
            {
                if (listings.Count == size)
                {
                    more = true;
                    break;
                }

                after = summary.Room.Key;
                var live = conversations.Find(summary.Room.Key) as ChatRoom;
                var isPrivate = live?.IsPrivate ?? summary.Room.Private;
                if (isPrivate && PrivateRooms.HiddenFrom(session.User, summary.Room.Key))
                {
                    continue; // unlisted
                }

                // Not loaded here: nobody is present on this node, but others may hold users there.
                var present = live?.PresentCount ?? presence.Remote.UsersIn(summary.Room.Key).Count;
                listings.Add(new RoomListing(live?.Name ?? summary.Room.Name, live?.Topic ?? summary.Room.Topic, present, session.User.IsInRoom(summary.Room.Key)) { Private = isPrivate });
            }

            if (stored.Count <= size)
            {
                break; // the store has no more rows
            }
        }

        return HubResult<RoomPage>.Ok(new RoomPage(listings, more ? listings[^1].Room : null));
    }

    /// <summary>Sets a room's topic (a locked topic: its owner and moderators only; never a muted user); everyone in the room hears <c>topic</c>.</summary>
    public async Task<HubResult<string>> SetTopicAsync(ChatSession session, string? room, string? topic, CancellationToken cancellationToken)
    {
        var resolved = await ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;

        // A mute silences the user in the room: a topic is said to everyone in it, locked or not.
        if (sanctions.MuteError(session.User, chatRoom) is { } muted)
        {
            return muted;
        }

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
        hub.Enact(new Cluster.TopicChangedSignal(chatRoom.Key, text, session.User.Name, hub.Now));
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Who is present in a room (any room that exists; being in it is not required).</summary>
    /// <summary>
    /// A page of who is present, earliest first: up to <paramref name="limit"/> users (default <see cref="ChatHub.PresencePageSize"/>,
    /// at most <see cref="ChatHub.MaxWhoPage"/>) after <paramref name="cursor"/> (the <c>next</c> of the previous page).
    /// </summary>
    public async Task<HubResult<PresencePage>> WhoAsync(string? room, string? cursor, int? limit, ChatUser? asker = null)
    {
        if (limit is < 1 or > ChatHub.MaxWhoPage)
        {
            return new HubError(ErrorCode.BadRequest, $"\"limit\" must be between 1 and {ChatHub.MaxWhoPage}");
        }

        var key = RoomNamePolicy.Fold(room ?? ChatHub.LobbyName);
        if (!RoomNamePolicy.IsValid(room ?? ChatHub.LobbyName, out _) || await conversations.LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom
            || (asker is not null && chatRoom.IsPrivate && PrivateRooms.HiddenFrom(asker, key)))
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        return chatRoom.Page(cursor, limit ?? ChatHub.PresencePageSize) is { } page
            ? HubResult<PresencePage>.Ok(page)
            : new HubError(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page");
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
        if (await conversations.LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom
            || (chatRoom.IsPrivate && PrivateRooms.HiddenFrom(session.User, key)))
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
