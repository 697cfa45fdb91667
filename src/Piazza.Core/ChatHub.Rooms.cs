using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>Rooms: join (creating), leave, list, topic, who.</summary>
public sealed partial class ChatHub
{
    /// <summary>Longest topic in characters.</summary>
    public const int MaxTopicChars = 300;

    /// <summary>
    /// Joins a room, creating it (with the joiner as owner) when it does not exist. Every connection of the user
    /// receives the room's state and its last messages, then live messages. Joining a room one is in is not an error.
    /// </summary>
    public async Task<HubResult<string>> JoinAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        room = RoomNamePolicy.Normalize(room!);
        var key = RoomNamePolicy.Fold(room);
        var user = session.User;
        if (RoomBanError(user, key, room!) is { } banned)
        {
            return banned;
        }

        var chatRoom = await LoadAsync(key).ConfigureAwait(false) as ChatRoom;
        if (chatRoom is null)
        {
            if (!RoomNamePolicy.IsAcceptableNew(room, out problem))
            {
                return new HubError(ErrorCode.BadRequest, problem);
            }

            if (await _store.FindConfusableRoomAsync(NameSkeleton.Of(room), key, cancellationToken).ConfigureAwait(false) is { } lookAlike)
            {
                return new HubError(ErrorCode.NameConfusable, $"'{room}' looks too much like the room '{lookAlike}'; join that one or choose a more distinct name");
            }

            var record = new RoomRecord(key, room!, null, user.IsRegistered ? user.Key : null, _time.GetUtcNow());
            await _store.TryCreateRoomAsync(record, cancellationToken).ConfigureAwait(false);

            // A guest owns its room while the room stays in memory; only accounts are stored as owners.
            var created = new ChatRoom(key, room!, null, user.Key, 0, _time);
            var lazy = _conversations.GetOrAdd(key, _ => new Lazy<Task<Conversation?>>(() => Task.FromResult<Conversation?>(created)));
            chatRoom = await lazy.Value.ConfigureAwait(false) as ChatRoom;
            if (chatRoom is null)
            {
                return new HubError(ErrorCode.ServerError, $"room '{room}' could not be created");
            }
        }

        if (user.IsInRoom(key))
        {
            return HubResult<string>.Ok(chatRoom.Name);
        }

        if (!user.TryAddRoom(key, _options.MaxRoomsPerUser))
        {
            // A concurrent join of the same room from another device got there first: not an error.
            return user.IsInRoom(key) ? HubResult<string>.Ok(chatRoom.Name) : new HubError(ErrorCode.TooManyRooms, $"you are in {_options.MaxRoomsPerUser} rooms already; leave one first");
        }

        if (user.IsRegistered)
        {
            await _store.AddMemberAsync(key, user.Key, cancellationToken).ConfigureAwait(false);
        }

        foreach (var device in user.Sessions)
        {
            await AttachAsync(device, chatRoom, null, cancellationToken).ConfigureAwait(false);
        }

        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Leaves a room on every device; the room hears <c>left</c> with reason <c>left</c>.</summary>
    public async Task<HubResult<string>> LeaveAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var resolved = await ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = (ChatRoom)resolved.Value!;
        var user = session.User;
        user.RemoveRoom(chatRoom.Key);
        var overflowed = new List<ChatSession>();
        chatRoom.RemoveUser(user, "left", null, _time.GetUtcNow(), overflowed);
        foreach (var device in user.Sessions)
        {
            device.Detached(chatRoom);
        }

        if (user.IsRegistered)
        {
            await _store.RemoveMemberAsync(chatRoom.Key, user.Key, cancellationToken).ConfigureAwait(false);
        }

        DropSlowConsumers(overflowed);
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Every room: name, topic, how many users are present, and whether the asker is in it.</summary>
    public async Task<IReadOnlyList<RoomListing>> RoomsAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var stored = await _store.ListRoomsAsync(cancellationToken).ConfigureAwait(false);
        var listings = new List<RoomListing>(stored.Count);
        foreach (var summary in stored)
        {
            var live = _conversations.TryGetValue(summary.Room.Key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
                ? lazy.Value.Result as ChatRoom
                : null;
            listings.Add(new RoomListing(live?.Name ?? summary.Room.Name, live?.Topic ?? summary.Room.Topic, live?.PresentCount ?? 0, session.User.IsInRoom(summary.Room.Key)));
        }

        return listings;
    }

    /// <summary>Sets a room's topic (a locked topic: its owner and moderators only); everyone in the room hears <c>topic</c>.</summary>
    public async Task<HubResult<string>> SetTopicAsync(ChatSession session, string? room, string? topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var resolved = await ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = (ChatRoom)resolved.Value!;
        if (!ModerationPolicy.CanSetTopic(RankIn(chatRoom, session.User), chatRoom.TopicLocked))
        {
            return new HubError(ErrorCode.Forbidden, $"the topic of '{chatRoom.Name}' is locked: only its owner and moderators can set it");
        }

        var text = string.IsNullOrWhiteSpace(topic) ? null : topic.Trim();
        if (text?.Length > MaxTopicChars)
        {
            return new HubError(ErrorCode.TooLarge, $"topics are at most {MaxTopicChars} characters");
        }

        if (text is not null && !UnicodeHygiene.CheckText(text, allowNewlines: false, out var textProblem))
        {
            return new HubError(ErrorCode.BadText, textProblem);
        }

        await _store.SetTopicAsync(chatRoom.Key, text, cancellationToken).ConfigureAwait(false);
        var overflowed = new List<ChatSession>();
        chatRoom.SetTopic(text, session.User.Name, _time.GetUtcNow(), overflowed);
        DropSlowConsumers(overflowed);
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>Who is present in a room (any room that exists; being in it is not required).</summary>
    public async Task<HubResult<IReadOnlyList<PresenceEntry>>> WhoAsync(string? room)
    {
        var key = RoomNamePolicy.Fold(room ?? LobbyName);
        if (!RoomNamePolicy.IsValid(room ?? LobbyName, out _) || await LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        return HubResult<IReadOnlyList<PresenceEntry>>.Ok(chatRoom.Presence());
    }

    /// <summary>A room that exists and that the session's user is in.</summary>
    private async Task<HubResult<Conversation>> ResolveRoomAsync(ChatSession session, string? room)
    {
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var key = RoomNamePolicy.Fold(room!);
        if (await LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        if (!session.User.IsInRoom(key))
        {
            return new HubError(ErrorCode.NotInRoom, $"you are not in '{chatRoom.Name}'; join it first");
        }

        return HubResult<Conversation>.Ok(chatRoom);
    }
}
