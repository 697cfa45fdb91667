using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Private rooms and invitations (docs/protocol.md): a private room is listed only to its members and, to anyone
/// else, answers as a room that does not exist (<see cref="ErrorCode.NoSuchRoom"/>); an invitation lets an account
/// join it once (<see cref="Invited"/>). None is repeated after a lost connection but creating, which is a join.
/// </summary>
public sealed partial class PiazzaClient
{
    /// <summary>Joins <paramref name="room"/>, creating it private (owned by us) when it does not exist; an existing room is simply joined.</summary>
    public async Task<string> CreatePrivateRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Join, Room = room, Private = true }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return ok.Room ?? room;
    }

    /// <summary>Makes a room private (true) or public (false): its owner, moderators and admins.</summary>
    public Task SetRoomPrivateAsync(string room, bool isPrivate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return RequestAsync(new ClientFrame { Type = FrameTypes.RoomSet, Room = room, Private = isPrivate }, Repeat.Never, cancellationToken);
    }

    /// <summary>
    /// Sets how many days a room keeps its messages (docs/retention.md): 0 for good, -1 to follow the server; its owner
    /// and admins. Answers the days now in force and whether they are the room's own setting.
    /// </summary>
    public async Task<(int Days, bool RoomSetting)> SetRoomRetentionAsync(string room, int days, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.RoomSet, Room = room, RetentionDays = days }, Repeat.Never, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToRetention(ok) is { } retention ? (retention.Days, retention.RoomSetting) : (0, false);
    }

    /// <summary>Invites an account to a room (it may join once, and hears <see cref="Invited"/>).</summary>
    public Task InviteAsync(string room, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentException.ThrowIfNullOrEmpty(user);
        return RequestAsync(new ClientFrame { Type = FrameTypes.Invite, Room = room, User = user }, Repeat.Never, cancellationToken);
    }

    /// <summary>Withdraws an invitation (not an error when there is none).</summary>
    public Task UninviteAsync(string room, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentException.ThrowIfNullOrEmpty(user);
        return RequestAsync(new ClientFrame { Type = FrameTypes.Uninvite, Room = room, User = user }, Repeat.Never, cancellationToken);
    }
}
