using Microsoft.Data.Sqlite;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string RoomColumns = "r.key, r.name, r.topic, r.owner, r.created_at, r.by_guest, r.private";

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
            INSERT INTO rooms (key, name, topic, owner, created_at, skeleton, by_guest, private)
            VALUES ($key, $name, $topic, $owner, $created_at, $skeleton, $by_guest, $private)
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
                p.AddWithValue("$by_guest", room.CreatedByGuest ? 1 : 0);
                p.AddWithValue("$private", room.Private ? 1 : 0);
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

    public async Task<IReadOnlyList<RoomSummary>> ListRoomsAsync(string? afterKey, int limit, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            $"""
            SELECT {RoomColumns}, (SELECT count(*) FROM memberships m WHERE m.room_key = r.key)
            FROM rooms r
            WHERE $after IS NULL OR r.key > $after
            ORDER BY r.key
            LIMIT $limit;
            """,
            p =>
            {
                p.AddWithValue("$after", OrDbNull(afterKey));
                p.AddWithValue("$limit", Math.Max(0, limit));
            },
            r => new RoomSummary(ReadRoom(r), r.GetInt32(7)),
            cancellationToken).ConfigureAwait(false);

    // Messages, shares, mutes and room bans have no foreign key to rooms (history outlives them elsewhere), so they
    // are deleted by name; memberships and roles cascade, and are deleted explicitly too in case foreign keys are off.
    private const string DeleteRoomsSql = """
        DELETE FROM messages WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM message_mentions WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM message_versions WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM read_positions WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM pins WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM file_shares WHERE conversation IN (SELECT key FROM doomed);
        DELETE FROM room_mutes WHERE room_key IN (SELECT key FROM doomed);
        DELETE FROM bans WHERE room_key IN (SELECT key FROM doomed);
        DELETE FROM room_moderators WHERE room_key IN (SELECT key FROM doomed);
        DELETE FROM memberships WHERE room_key IN (SELECT key FROM doomed);
        DELETE FROM invitations WHERE room_key IN (SELECT key FROM doomed);
        DELETE FROM rooms WHERE key IN (SELECT key FROM doomed);
        """;

    public Task DeleteRoomAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteRoomsAsync("SELECT key FROM rooms WHERE key = $key", p => p.AddWithValue("$key", key), cancellationToken);
    }

    public Task<int> DeleteGuestRoomsAsync(CancellationToken cancellationToken = default)
        => DeleteRoomsAsync("SELECT key FROM rooms WHERE by_guest = 1", _ => { }, cancellationToken);

    /// <summary>Deletes the rooms <paramref name="select"/> names, with all they keep, in one transaction; returns how many.</summary>
    private Task<int> DeleteRoomsAsync(string select, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"CREATE TEMP TABLE doomed AS {select};";
                bind(command.Parameters);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                command.Parameters.Clear();
                command.CommandText = "SELECT count(*) FROM doomed;";
                var count = Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = count == 0 ? "DROP TABLE doomed;" : DeleteRoomsSql + "DROP TABLE doomed;";
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return count;
            },
            cancellationToken);

    public Task ClaimRoomAsync(string key, string ownerAccountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ownerAccountKey);
        return WriteAsync(
            "UPDATE rooms SET owner = $owner, by_guest = 0 WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", key);
                p.AddWithValue("$owner", ownerAccountKey);
            },
            cancellationToken);
    }

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
        new(r.GetString(0), r.GetString(1), GetNullableString(r, 2), GetNullableString(r, 3), FromUnixMs(r.GetInt64(4)), r.GetInt64(5) != 0) { Private = r.GetInt64(6) != 0 };
}
