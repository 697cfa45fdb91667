using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public Task SetRoomPrivateAsync(string roomKey, bool isPrivate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return WriteAsync(
            "UPDATE rooms SET private = $private WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", roomKey);
                p.AddWithValue("$private", isPrivate ? 1 : 0);
            },
            cancellationToken);
    }

    public Task AddInvitationAsync(InvitationRecord invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return WriteAsync(
            """
            INSERT INTO invitations (room_key, account_key, invited_by, invited_at) VALUES ($room_key, $account_key, $by, $at)
            ON CONFLICT (room_key, account_key) DO UPDATE SET invited_by = excluded.invited_by, invited_at = excluded.invited_at;
            """,
            p =>
            {
                p.AddWithValue("$room_key", invitation.RoomKey);
                p.AddWithValue("$account_key", invitation.AccountKey);
                p.AddWithValue("$by", invitation.By);
                p.AddWithValue("$at", ToUnixMs(invitation.At));
            },
            cancellationToken);
    }

    public async Task<bool> RemoveInvitationAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        var removed = await WriteAsync(
            "DELETE FROM invitations WHERE room_key = $room_key AND account_key = $account_key;",
            p =>
            {
                p.AddWithValue("$room_key", roomKey);
                p.AddWithValue("$account_key", accountKey);
            },
            cancellationToken).ConfigureAwait(false);
        return removed == 1;
    }

    public async Task<IReadOnlyList<InvitationRecord>> InvitationsOfAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            "SELECT room_key, account_key, invited_by, invited_at FROM invitations WHERE account_key = $account_key ORDER BY invited_at, room_key;",
            p => p.AddWithValue("$account_key", accountKey),
            r => new InvitationRecord(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3))),
            cancellationToken).ConfigureAwait(false);
    }
}
