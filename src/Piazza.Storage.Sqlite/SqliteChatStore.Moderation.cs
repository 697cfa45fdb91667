using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public async Task<bool> IsAdminAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var rows = await ReadAsync(
            "SELECT 1 FROM server_admins WHERE account_key = $key;",
            p => p.AddWithValue("$key", accountKey),
            r => r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public Task SetAdminAsync(string accountKey, bool admin, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            admin
                ? "INSERT INTO server_admins (account_key, granted_at) VALUES ($key, $now) ON CONFLICT DO NOTHING;"
                : "DELETE FROM server_admins WHERE account_key = $key;",
            p =>
            {
                p.AddWithValue("$key", accountKey);
                p.AddWithValue("$now", ToUnixMs(now));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<string>> AdminsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync("SELECT account_key FROM server_admins ORDER BY account_key;", _ => { }, r => r.GetString(0), cancellationToken).ConfigureAwait(false);

    public async Task<RoomModerationRecord> RoomModerationAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var moderators = await ReadAsync(
            "SELECT account_key FROM room_moderators WHERE room_key = $room ORDER BY account_key;",
            p => p.AddWithValue("$room", roomKey),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var locked = await ReadAsync(
            "SELECT topic_locked FROM rooms WHERE key = $room;",
            p => p.AddWithValue("$room", roomKey),
            r => r.GetInt64(0) != 0,
            cancellationToken).ConfigureAwait(false);
        var mutes = await ReadAsync(
            "SELECT room_key, user_key, reason, by_user, expires_at FROM room_mutes WHERE room_key = $room;",
            p => p.AddWithValue("$room", roomKey),
            r => new MuteRecord(r.GetString(0), r.GetString(1), GetNullableString(r, 2), r.GetString(3), r.IsDBNull(4) ? null : FromUnixMs(r.GetInt64(4))),
            cancellationToken).ConfigureAwait(false);
        return new RoomModerationRecord(moderators, locked.Count == 0 || locked[0], mutes);
    }

    public Task SetModeratorAsync(string roomKey, string accountKey, bool moderator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return WriteAsync(
            moderator
                ? "INSERT INTO room_moderators (room_key, account_key) VALUES ($room, $key) ON CONFLICT DO NOTHING;"
                : "DELETE FROM room_moderators WHERE room_key = $room AND account_key = $key;",
            p =>
            {
                p.AddWithValue("$room", roomKey);
                p.AddWithValue("$key", accountKey);
            },
            cancellationToken);
    }

    public Task SetTopicLockAsync(string roomKey, bool locked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return WriteAsync(
            "UPDATE rooms SET topic_locked = $locked WHERE key = $room;",
            p =>
            {
                p.AddWithValue("$room", roomKey);
                p.AddWithValue("$locked", locked ? 1 : 0);
            },
            cancellationToken);
    }

    public Task<BanRecord> AddBanAsync(BanRecord ban, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ban);
        return WriteAsync(
            async (connection, ct) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO bans (room_key, kind, target, reason, by_user, created_at, expires_at)
                    VALUES ($room, $kind, $target, $reason, $by, $created, $expires)
                    RETURNING id;
                    """;
                command.Parameters.AddWithValue("$room", OrDbNull(ban.RoomKey));
                command.Parameters.AddWithValue("$kind", KindName(ban.Kind));
                command.Parameters.AddWithValue("$target", ban.Target);
                command.Parameters.AddWithValue("$reason", OrDbNull(ban.Reason));
                command.Parameters.AddWithValue("$by", ban.By);
                command.Parameters.AddWithValue("$created", ToUnixMs(ban.CreatedAt));
                command.Parameters.AddWithValue("$expires", ban.ExpiresAt is { } e ? ToUnixMs(e) : DBNull.Value);
                var id = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                return ban with { Id = id };
            },
            cancellationToken);
    }

    public Task<int> RemoveBansAsync(string? roomKey, BanKind kind, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return WriteAsync(
            "DELETE FROM bans WHERE room_key IS $room AND kind = $kind AND target = $target;",
            p =>
            {
                p.AddWithValue("$room", OrDbNull(roomKey));
                p.AddWithValue("$kind", KindName(kind));
                p.AddWithValue("$target", target);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<BanRecord>> ActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            """
            SELECT id, room_key, kind, target, reason, by_user, created_at, expires_at FROM bans
            WHERE expires_at IS NULL OR expires_at > $now ORDER BY id;
            """,
            p => p.AddWithValue("$now", ToUnixMs(now)),
            r => new BanRecord(
                r.GetInt64(0),
                GetNullableString(r, 1),
                r.GetString(2) == "address" ? BanKind.Address : BanKind.User,
                r.GetString(3),
                GetNullableString(r, 4),
                r.GetString(5),
                FromUnixMs(r.GetInt64(6)),
                r.IsDBNull(7) ? null : FromUnixMs(r.GetInt64(7))),
            cancellationToken).ConfigureAwait(false);

    public Task SetMuteAsync(MuteRecord mute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mute);
        return WriteAsync(
            """
            INSERT INTO room_mutes (room_key, user_key, reason, by_user, expires_at) VALUES ($room, $user, $reason, $by, $expires)
            ON CONFLICT (room_key, user_key) DO UPDATE SET reason = excluded.reason, by_user = excluded.by_user, expires_at = excluded.expires_at;
            """,
            p =>
            {
                p.AddWithValue("$room", mute.RoomKey);
                p.AddWithValue("$user", mute.UserKey);
                p.AddWithValue("$reason", OrDbNull(mute.Reason));
                p.AddWithValue("$by", mute.By);
                p.AddWithValue("$expires", mute.ExpiresAt is { } e ? ToUnixMs(e) : DBNull.Value);
            },
            cancellationToken);
    }

    public async Task<bool> RemoveMuteAsync(string roomKey, string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(userKey);
        var removed = await WriteAsync(
            "DELETE FROM room_mutes WHERE room_key = $room AND user_key = $user;",
            p =>
            {
                p.AddWithValue("$room", roomKey);
                p.AddWithValue("$user", userKey);
            },
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var rows = await ReadAsync(
            $"SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages WHERE message_id = $id LIMIT 1;",
            p => p.AddWithValue("$id", messageId),
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : (await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<bool> MarkDeletedAsync(string conversation, long seq, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(by);
        return await WriteAsync(
            async (connection, ct) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "SELECT file_id FROM messages WHERE conversation = $conversation AND seq = $seq AND deleted_by IS NULL;";
                command.Parameters.AddWithValue("$conversation", conversation);
                command.Parameters.AddWithValue("$seq", seq);
                command.Parameters.AddWithValue("$by", by);
                var fileId = await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
                command.CommandText = """
                    UPDATE messages SET text = '', deleted_by = $by, mentions = NULL, file_id = NULL, file_name = NULL, file_size = NULL, file_mime = NULL, file_sha256 = NULL
                    WHERE conversation = $conversation AND seq = $seq AND deleted_by IS NULL;
                    """;
                var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
                await DropPinAsync(command, ct).ConfigureAwait(false); // a deleted message is unpinned
                if (changed)
                {
                    await DeleteVersionsAsync(connection, transaction, conversation, seq, ct).ConfigureAwait(false); // the text is gone, its earlier ones too
                    await DeleteReactionsLockedAsync(command, ct).ConfigureAwait(false);
                }

                if (changed && fileId is not null)
                {
                    // The message's share goes with it, unless another message of the conversation still carries the file
                    // (a scan of that conversation's rows: deletions of file messages are rare).
                    command.CommandText = """
                        DELETE FROM file_shares WHERE file_id = $file_id AND conversation = $conversation
                        AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation = $conversation AND file_id = $file_id);
                        """;
                    command.Parameters.AddWithValue("$file_id", fileId);
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return changed;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task AppendAuditAsync(AuditRecord entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(
            """
            INSERT INTO audit_log (at, actor, action, target, room, reason, detail)
            VALUES ($at, $actor, $action, $target, $room, $reason, $detail);
            """,
            p =>
            {
                p.AddWithValue("$at", ToUnixMs(entry.At));
                p.AddWithValue("$actor", entry.Actor);
                p.AddWithValue("$action", entry.Action);
                p.AddWithValue("$target", OrDbNull(entry.Target));
                p.AddWithValue("$room", OrDbNull(entry.Room));
                p.AddWithValue("$reason", OrDbNull(entry.Reason));
                p.AddWithValue("$detail", OrDbNull(entry.Detail));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await ReadAsync(
            "SELECT id, at, actor, action, target, room, reason, detail FROM audit_log ORDER BY id DESC LIMIT $limit;",
            p => p.AddWithValue("$limit", limit),
            ReadAudit,
            cancellationToken).ConfigureAwait(false);
        rows.Reverse();
        return rows;
    }

    private static AuditRecord ReadAudit(SqliteDataReader r) =>
        new(r.GetInt64(0), FromUnixMs(r.GetInt64(1)), r.GetString(2), r.GetString(3), GetNullableString(r, 4), GetNullableString(r, 5), GetNullableString(r, 6), GetNullableString(r, 7));

    private static string KindName(BanKind kind) => kind == BanKind.Address ? "address" : "user";
}
