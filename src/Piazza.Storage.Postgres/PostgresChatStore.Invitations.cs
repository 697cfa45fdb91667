using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    public Task SetRoomPrivateAsync(string roomKey, bool isPrivate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return ExecuteAsync(
            "UPDATE rooms SET private = @private WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", roomKey));
                p.Add(Boolean("private", isPrivate));
            },
            cancellationToken);
    }

    public Task AddInvitationAsync(InvitationRecord invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return ExecuteAsync(
            """
            INSERT INTO invitations (room_key, account_key, invited_by, invited_at) VALUES (@room_key, @account_key, @by, @at)
            ON CONFLICT (room_key, account_key) DO UPDATE SET invited_by = excluded.invited_by, invited_at = excluded.invited_at;
            """,
            p =>
            {
                p.Add(Text("room_key", invitation.RoomKey));
                p.Add(Text("account_key", invitation.AccountKey));
                p.Add(Text("by", invitation.By));
                p.Add(Time("at", invitation.At));
            },
            cancellationToken);
    }

    public async Task<bool> RemoveInvitationAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        var removed = await ExecuteAsync(
            "DELETE FROM invitations WHERE room_key = @room_key AND account_key = @account_key;",
            p =>
            {
                p.Add(Text("room_key", roomKey));
                p.Add(Text("account_key", accountKey));
            },
            cancellationToken).ConfigureAwait(false);
        return removed == 1;
    }

    public async Task<IReadOnlyList<InvitationRecord>> InvitationsOfAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            "SELECT room_key, account_key, invited_by, invited_at FROM invitations WHERE account_key = @account_key ORDER BY invited_at, room_key;",
            p => p.Add(Text("account_key", accountKey)),
            r => new InvitationRecord(r.GetString(0), r.GetString(1), r.GetString(2), ReadTime(r, 3)),
            cancellationToken).ConfigureAwait(false);
    }
}
