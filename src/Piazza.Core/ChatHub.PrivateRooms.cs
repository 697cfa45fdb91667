using Piazza.Core.Rooms;

namespace Piazza.Core;

/// <summary>Private rooms and invitations (<see cref="PrivateRooms"/>).</summary>
public sealed partial class ChatHub
{
    private readonly PrivateRooms _privateRooms;

    /// <summary>
    /// Joins a room like <see cref="JoinAsync(ChatSession, string?, CancellationToken)"/>; <paramref name="createPrivate"/>
    /// creates it private when it does not exist (ignored for a room that exists; guests are refused <c>forbidden</c>).
    /// </summary>
    public Task<HubResult<string>> JoinAsync(ChatSession session, string? room, bool createPrivate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.JoinAsync(session, room, cancellationToken, createPrivate);
    }

    /// <summary>Who is present in a room the asker may see (a private room is <c>no_such_room</c> to a non-member).</summary>
    public Task<HubResult<PresencePage>> WhoAsync(ChatSession session, string? room, string? cursor = null, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.WhoAsync(room, cursor, limit, session.User);
    }

    /// <summary>Makes a room private or public (its owner, moderators, admins); the room hears <c>room_set</c>.</summary>
    public Task<HubResult<string>> SetRoomPrivateAsync(ChatSession session, string? room, bool? isPrivate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _privateRooms.SetPrivateAsync(session, room, isPrivate, cancellationToken);
    }

    /// <summary>Invites an account to a room: it may join once; its connections hear <c>invited</c>. Returns the room's and user's names.</summary>
    public Task<HubResult<(string Room, string User)>> InviteAsync(ChatSession session, string? room, string? user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _privateRooms.InviteAsync(session, room, user, withdraw: false, cancellationToken);
    }

    /// <summary>Withdraws an invitation (not an error when there was none).</summary>
    public Task<HubResult<(string Room, string User)>> UninviteAsync(ChatSession session, string? room, string? user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _privateRooms.InviteAsync(session, room, user, withdraw: true, cancellationToken);
    }
}
