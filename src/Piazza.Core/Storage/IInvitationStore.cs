namespace Piazza.Core.Storage;

/// <summary>
/// Private rooms: the flag (<see cref="RoomRecord.Private"/>) and the invitations that let an account join one.
/// Membership of a private room is the ordinary stored membership (<see cref="IRoomStore.AddMemberAsync"/>): kept
/// across reconnects, ended by a leave, a kick or a ban.
/// </summary>
public interface IInvitationStore
{
    /// <summary>Makes a room private or not; nothing happens for a room that does not exist.</summary>
    Task SetRoomPrivateAsync(string roomKey, bool isPrivate, CancellationToken cancellationToken = default);

    /// <summary>Stores an invitation, replacing an earlier one of the same account to the same room (its inviter and time).</summary>
    Task AddInvitationAsync(InvitationRecord invitation, CancellationToken cancellationToken = default);

    /// <summary>Deletes an invitation (withdrawn, or used by a join); true when there was one, so a use happens once.</summary>
    Task<bool> RemoveInvitationAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default);

    /// <summary>The account's invitations still open, oldest first.</summary>
    Task<IReadOnlyList<InvitationRecord>> InvitationsOfAsync(string accountKey, CancellationToken cancellationToken = default);
}

/// <summary>An open invitation of the account <see cref="AccountKey"/> to the room <see cref="RoomKey"/>, by the user named <see cref="By"/>.</summary>
public sealed record InvitationRecord(string RoomKey, string AccountKey, string By, DateTimeOffset At);
