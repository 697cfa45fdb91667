using Npgsql;
using NpgsqlTypes;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    private const string RoomColumns = "r.key, r.name, r.topic, r.owner, r.created_at, r.by_guest, r.private";

    public async Task<RoomRecord?> FindRoomAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await ReadAsync($"SELECT {RoomColumns} FROM rooms r WHERE r.key = @key;", p => p.Add(Text("key", key)), ReadRoom, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> TryCreateRoomAsync(RoomRecord room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        var inserted = await ExecuteAsync(
            """
            INSERT INTO rooms (key, name, topic, owner, created_at, skeleton, by_guest, private)
            VALUES (@key, @name, @topic, @owner, @created_at, @skeleton, @by_guest, @private)
            ON CONFLICT (key) DO NOTHING;
            """,
            p =>
            {
                p.Add(Text("key", room.Key));
                p.Add(Text("name", room.Name));
                p.Add(Text("topic", room.Topic));
                p.Add(Text("owner", room.Owner));
                p.Add(Time("created_at", room.CreatedAt));
                p.Add(Text("skeleton", NameSkeleton.Of(room.Name)));
                p.Add(Boolean("by_guest", room.CreatedByGuest));
                p.Add(Boolean("private", room.Private));
            },
            cancellationToken).ConfigureAwait(false);
        return inserted == 1;
    }

    public Task<string?> FindConfusableRoomAsync(string skeleton, string exceptKey, CancellationToken cancellationToken = default)
        => FindBySkeletonAsync("SELECT name FROM rooms WHERE skeleton = @skeleton AND key <> @key LIMIT 1;", skeleton, exceptKey, cancellationToken);

    /// <summary>The name of another row (not <paramref name="exceptKey"/>) with this look-alike skeleton, or null.</summary>
    private async Task<string?> FindBySkeletonAsync(string sql, string skeleton, string exceptKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        ArgumentNullException.ThrowIfNull(exceptKey);
        var rows = await ReadAsync(
            sql,
            p =>
            {
                p.Add(Text("skeleton", skeleton));
                p.Add(Text("key", exceptKey));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SetTopicAsync(string key, string? topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ExecuteAsync(
            "UPDATE rooms SET topic = @topic WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", key));
                p.Add(Text("topic", topic));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<RoomSummary>> ListRoomsAsync(string? afterKey, int limit, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            $"""
            SELECT {RoomColumns}, (SELECT count(*) FROM memberships m WHERE m.room_key = r.key)::integer
            FROM rooms r
            WHERE @after IS NULL OR r.key > @after
            ORDER BY r.key
            LIMIT @limit;
            """,
            p =>
            {
                p.Add(Text("after", afterKey));
                p.Add(Integer("limit", Math.Max(0, limit)));
            },
            r => new RoomSummary(ReadRoom(r), r.GetInt32(7)),
            cancellationToken).ConfigureAwait(false);

    // Messages, shares, seq counters, mutes and room bans have no foreign key to rooms (history outlives them
    // elsewhere), so they are deleted by name; memberships and roles cascade.
    private static readonly string[] DeleteRoomStatements =
    [
        "DELETE FROM messages WHERE conversation = ANY(@keys);",
        "DELETE FROM message_mentions WHERE conversation = ANY(@keys);",
        "DELETE FROM message_versions WHERE conversation = ANY(@keys);",
        "DELETE FROM read_positions WHERE conversation = ANY(@keys);",
        "DELETE FROM pins WHERE conversation = ANY(@keys);",
        "DELETE FROM conversation_seqs WHERE conversation = ANY(@keys);",
        "DELETE FROM file_shares WHERE conversation = ANY(@keys);",
        "DELETE FROM room_mutes WHERE room_key = ANY(@keys);",
        "DELETE FROM bans WHERE room_key = ANY(@keys);",
        "DELETE FROM rooms WHERE key = ANY(@keys);",
    ];

    public Task DeleteRoomAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteRoomsAsync("SELECT key FROM rooms WHERE key = @key ORDER BY key FOR UPDATE;", p => p.Add(Text("key", key)), cancellationToken);
    }

    public Task<int> DeleteGuestRoomsAsync(CancellationToken cancellationToken = default)
        => DeleteRoomsAsync("SELECT key FROM rooms WHERE by_guest ORDER BY key FOR UPDATE;", _ => { }, cancellationToken);

    /// <summary>Deletes the rooms <paramref name="select"/> names (and locks), with all they keep, in one transaction; returns how many.</summary>
    private Task<int> DeleteRoomsAsync(string select, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var keys = await QueryAsync(connection, transaction, select, bind, r => r.GetString(0), ct).ConfigureAwait(false);
                if (keys.Count == 0)
                {
                    return 0;
                }

                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var sql in DeleteRoomStatements)
                    {
                        var command = new NpgsqlBatchCommand(sql);
                        command.Parameters.Add(Array("keys", NpgsqlDbType.Text, keys.ToArray()));
                        batch.BatchCommands.Add(command);
                    }

                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return keys.Count;
            },
            cancellationToken);

    public Task ClaimRoomAsync(string key, string ownerAccountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ownerAccountKey);
        return ExecuteAsync(
            "UPDATE rooms SET owner = @owner, by_guest = false WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", key));
                p.Add(Text("owner", ownerAccountKey));
            },
            cancellationToken);
    }

    public Task AddMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            "INSERT INTO memberships (room_key, account_key) VALUES (@room_key, @account_key) ON CONFLICT DO NOTHING;",
            p =>
            {
                p.Add(Text("room_key", roomKey));
                p.Add(Text("account_key", accountKey));
            },
            cancellationToken);
    }

    public Task RemoveMemberAsync(string roomKey, string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            "DELETE FROM memberships WHERE room_key = @room_key AND account_key = @account_key;",
            p =>
            {
                p.Add(Text("room_key", roomKey));
                p.Add(Text("account_key", accountKey));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<string>> RoomsOfAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return await ReadAsync(
            "SELECT room_key FROM memberships WHERE account_key = @account_key ORDER BY room_key;",
            p => p.Add(Text("account_key", accountKey)),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    private static RoomRecord ReadRoom(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), GetNullableString(r, 2), GetNullableString(r, 3), ReadTime(r, 4), r.GetBoolean(5)) { Private = r.GetBoolean(6) };
}
