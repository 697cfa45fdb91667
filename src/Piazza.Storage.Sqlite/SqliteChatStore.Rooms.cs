using Microsoft.Data.Sqlite;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string RoomColumns = "r.key, r.name, r.topic, r.owner, r.created_at";

    public async Task<RoomRecord?> FindRoomAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await ReadAsync(
            $"SELECT {RoomColumns} FROM rooms r WHERE r.key = $key;",
            p => p.AddWithValue("$key", key),
            ReadRoom,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> TryCreateRoomAsync(RoomRecord room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        var inserted = await WriteAsync(
            """
            INSERT INTO rooms (key, name, topic, owner, created_at, skeleton)
            VALUES ($key, $name, $topic, $owner, $created_at, $skeleton)
            ON CONFLICT (key) DO NOTHING;
            """,
            p =>
            {
                p.AddWithValue("$key", room.Key);
                p.AddWithValue("$name", room.Name);
                p.AddWithValue("$topic", OrDbNull(room.Topic));
                p.AddWithValue("$owner", OrDbNull(room.Owner));
                p.AddWithValue("$created_at", ToUnixMs(room.CreatedAt));
                p.AddWithValue("$skeleton", NameSkeleton.Of(room.Name));
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    private const string FindConfusableRoomSql = "SELECT name FROM rooms WHERE skeleton = $skeleton AND key <> $key LIMIT 1;";

    public Task<string?> FindConfusableRoomAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default)
        => FindBySkeletonAsync(FindConfusableRoomSql, skeleton, exceptKey, cancellationToken);

    /// <summary>The name of another row (not <paramref name="exceptKey"/>) with this look-alike skeleton, or null.</summary>
    private async Task<string?> FindBySkeletonAsync(string sql, string skeleton, string exceptKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        ArgumentNullException.ThrowIfNull(exceptKey);
        var rows = await ReadAsync(
            sql,
            p =>
            {
                p.AddWithValue("$skeleton", skeleton);
                p.AddWithValue("$key", exceptKey);
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SetTopicAsync(string key, string? topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(
            "UPDATE rooms SET topic = $topic WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", key);
                p.AddWithValue("$topic", OrDbNull(topic));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<RoomSummary>> ListRoomsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(
            $"""
            SELECT {RoomColumns}, (SELECT count(*) FROM memberships m WHERE m.room_key = r.key)
            FROM rooms r
            ORDER BY r.key;
            """,
            _ => { },
            r => new RoomSummary(ReadRoom(r), r.GetInt32(5)),
            cancellationToken).ConfigureAwait(false);

    public Task AddMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            "INSERT INTO memberships (room_key, account_key) VALUES ($room_key, $account_key) ON CONFLICT DO NOTHING;",
            p =>
            {
                p.AddWithValue("$room_key", roomKey);
                p.AddWithValue("$account_key", accountKey);
            },
            cancellationToken);
    }

    public Task RemoveMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            "DELETE FROM memberships WHERE room_key = $room_key AND account_key = $account_key;",
            p =>
            {
                p.AddWithValue("$room_key", roomKey);
                p.AddWithValue("$account_key", accountKey);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<string>> RoomsOfAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            "SELECT room_key FROM memberships WHERE account_key = $account_key ORDER BY room_key;",
            p => p.AddWithValue("$account_key", accountKey),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    private static RoomRecord ReadRoom(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), GetNullableString(r, 2), GetNullableString(r, 3), FromUnixMs(r.GetInt64(4)));
}
