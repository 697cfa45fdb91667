using Piazza.Core.Conversations;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>One room's state and the caller's open invitations, for request doors (REST) that have no <c>room</c> frame.</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// A room's name, topic, owner, privacy, newest seq and users present, and the caller's read state when it is in
    /// the room. Any room that exists, as <c>who</c>; a private room is <c>no_such_room</c> to whoever may not see it.
    /// </summary>
    public async Task<HubResult<RoomDetails>> RoomInfoAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadRequest, problem);
        }

        var key = RoomNamePolicy.Fold(RoomNamePolicy.Normalize(room!));
        if (await _conversations.LoadAsync(key).ConfigureAwait(false) is not ChatRoom chatRoom
            || (chatRoom.IsPrivate && PrivateRooms.HiddenFrom(session.User, key)))
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        var joined = session.User.IsInRoom(key);
        var counts = joined ? await _rooms.ReadCountsAsync(session.User, chatRoom).ConfigureAwait(false) : null;
        return HubResult<RoomDetails>.Ok(new RoomDetails(
            chatRoom.Name, chatRoom.Topic, chatRoom.TopicLocked, chatRoom.IsPrivate, chatRoom.Owner is { } owner ? IdentityKey.NameKeyOf(owner) : null,
            Math.Max(chatRoom.LastDelivered, counts?.Seq ?? 0), chatRoom.PresentCount, joined, counts)
        {
            Retention = await _retention.RoomRetentionAsync(chatRoom, cancellationToken).ConfigureAwait(false),
        });
    }

    /// <summary>The caller's open invitations (rooms it may join once), oldest first; rooms deleted since are left out.</summary>
    public async Task<IReadOnlyList<InvitationInfo>> InvitationsAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.User.IsRegistered)
        {
            return [];
        }

        var open = await _hub.Store.InvitationsOfAsync(session.User.Key, cancellationToken).ConfigureAwait(false);
        var list = new List<InvitationInfo>(open.Count);
        foreach (var invitation in open)
        {
            var name = _conversations.Find(invitation.RoomKey)?.Name
                ?? (await _hub.Store.FindRoomAsync(invitation.RoomKey, cancellationToken).ConfigureAwait(false))?.Name;
            if (name is not null)
            {
                list.Add(new InvitationInfo(name, invitation.By, invitation.At));
            }
        }

        return list;
    }
}

/// <summary>
/// A room as <see cref="ChatHub.RoomInfoAsync"/> shows it: <see cref="Members"/> counts the users present now (as the
/// room list does); <see cref="Counts"/> (read position, unread, mentions) only for a room the caller is in.
/// </summary>
public sealed record RoomDetails(string Name, string? Topic, bool TopicLocked, bool Private, string? Owner, long Seq, int Members, bool Joined, ReadCounts? Counts)
{
    /// <summary>How long the room keeps its messages (docs/retention.md).</summary>
    public Retention.RoomRetention? Retention { get; init; }
}

/// <summary>An open invitation to <see cref="Room"/> by the user named <see cref="By"/>.</summary>
public sealed record InvitationInfo(string Room, string By, DateTimeOffset At);
