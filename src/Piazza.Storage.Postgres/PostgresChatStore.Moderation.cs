using Npgsql;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

public sealed partial class PostgresChatStore
{
    public async Task<bool> IsAdminAsync(string accountKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var rows = await ReadAsync("SELECT 1 FROM server_admins WHERE account_key = @key;", p => p.Add(Text("key", accountKey)), r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public Task SetAdminAsync(string accountKey, bool admin, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            admin
                ? "INSERT INTO server_admins (account_key, granted_at) VALUES (@key, @now) ON CONFLICT DO NOTHING;"
                : "DELETE FROM server_admins WHERE account_key = @key;",
            p =>
            {
                p.Add(Text("key", accountKey));
                if (admin)
                {
                    p.Add(Time("now", now));
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<string>> AdminsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync("SELECT account_key FROM server_admins ORDER BY account_key;", _ => { }, r => r.GetString(0), cancellationToken).ConfigureAwait(false);

    public async Task<RoomModerationRecord> RoomModerationAsync(string roomKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        var moderators = await ReadAsync(
            "SELECT account_key FROM room_moderators WHERE room_key = @room ORDER BY account_key;",
            p => p.Add(Text("room", roomKey)),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var locked = await ReadAsync("SELECT topic_locked FROM rooms WHERE key = @room;", p => p.Add(Text("room", roomKey)), r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false);
        var mutes = await ReadAsync(
            "SELECT room_key, user_key, reason, by_user, expires_at FROM room_mutes WHERE room_key = @room ORDER BY user_key;",
            p => p.Add(Text("room", roomKey)),
            r => new MuteRecord(r.GetString(0), r.GetString(1), GetNullableString(r, 2), r.GetString(3), ReadNullableTime(r, 4)),
            cancellationToken).ConfigureAwait(false);
        return new RoomModerationRecord(moderators, locked.Count == 0 || locked[0], mutes);
    }

    public Task SetModeratorAsync(string roomKey, string accountKey, bool moderator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(accountKey);
        return ExecuteAsync(
            moderator
                ? "INSERT INTO room_moderators (room_key, account_key) VALUES (@room, @key) ON CONFLICT DO NOTHING;"
                : "DELETE FROM room_moderators WHERE room_key = @room AND account_key = @key;",
            p =>
            {
                p.Add(Text("room", roomKey));
                p.Add(Text("key", accountKey));
            },
            cancellationToken);
    }

    public Task SetTopicLockAsync(string roomKey, bool locked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        return ExecuteAsync(
            "UPDATE rooms SET topic_locked = @locked WHERE key = @room;",
            p =>
            {
                p.Add(Text("room", roomKey));
                p.Add(Boolean("locked", locked));
            },
            cancellationToken);
    }

    public async Task<BanRecord> AddBanAsync(BanRecord ban, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ban);
        var ids = await RunAsync(
            (connection, ct) => QueryAsync(
                connection,
                null,
                """
                INSERT INTO bans (room_key, kind, target, reason, by_user, created_at, expires_at)
                VALUES (@room, @kind, @target, @reason, @by, @created, @expires)
                RETURNING id;
                """,
                p =>
                {
                    p.Add(Text("room", ban.RoomKey));
                    p.Add(Text("kind", KindName(ban.Kind)));
                    p.Add(Text("target", ban.Target));
                    p.Add(Text("reason", ban.Reason));
                    p.Add(Text("by", ban.By));
                    p.Add(Time("created", ban.CreatedAt));
                    p.Add(Time("expires", ban.ExpiresAt));
                },
                r => r.GetInt64(0),
                ct),
            Never,
            cancellationToken).ConfigureAwait(false);
        return ban with { Id = ids[0] };
    }

    public Task<int> RemoveBansAsync(string? roomKey, BanKind kind, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ExecuteAsync(
            "DELETE FROM bans WHERE room_key IS NOT DISTINCT FROM @room AND kind = @kind AND target = @target;",
            p =>
            {
                p.Add(Text("room", roomKey));
                p.Add(Text("kind", KindName(kind)));
                p.Add(Text("target", target));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<BanRecord>> ActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            """
            SELECT id, room_key, kind, target, reason, by_user, created_at, expires_at FROM bans
            WHERE expires_at IS NULL OR expires_at > @now ORDER BY id;
            """,
            p => p.Add(Time("now", now)),
            r => new BanRecord(
                r.GetInt64(0),
                GetNullableString(r, 1),
                r.GetString(2) == "address" ? BanKind.Address : BanKind.User,
                r.GetString(3),
                GetNullableString(r, 4),
                r.GetString(5),
                ReadTime(r, 6),
                ReadNullableTime(r, 7)),
            cancellationToken).ConfigureAwait(false);

    public Task SetMuteAsync(MuteRecord mute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mute);
        return ExecuteAsync(
            """
            INSERT INTO room_mutes (room_key, user_key, reason, by_user, expires_at) VALUES (@room, @user, @reason, @by, @expires)
            ON CONFLICT (room_key, user_key) DO UPDATE SET reason = excluded.reason, by_user = excluded.by_user, expires_at = excluded.expires_at;
            """,
            p =>
            {
                p.Add(Text("room", mute.RoomKey));
                p.Add(Text("user", mute.UserKey));
                p.Add(Text("reason", mute.Reason));
                p.Add(Text("by", mute.By));
                p.Add(Time("expires", mute.ExpiresAt));
            },
            cancellationToken);
    }

    public async Task<bool> RemoveMuteAsync(string roomKey, string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomKey);
        ArgumentNullException.ThrowIfNull(userKey);
        var removed = await ExecuteAsync(
            "DELETE FROM room_mutes WHERE room_key = @room AND user_key = @user;",
            p =>
            {
                p.Add(Text("room", roomKey));
                p.Add(Text("user", userKey));
            },
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var rows = await ReadAsync(
            $"SELECT {MessageColumns}, deleted_by, mentions, edited_at, reply_to, sender_bot FROM messages WHERE message_id = @id LIMIT 1;",
            p => p.Add(Text("id", messageId)),
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : (await WithReactionsAsync(await WithQuotesAsync(rows, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<bool> MarkDeletedAsync(string conversation, long seq, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(by);
        return await InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                // The old file id comes from the row as locked, before the update blanks it.
                var changed = await QueryAsync(
                    connection,
                    transaction,
                    """
                    UPDATE messages m
                    SET text = '', deleted_by = @by, mentions = NULL, file_id = NULL, file_name = NULL, file_size = NULL, file_mime = NULL, file_sha256 = NULL
                    FROM (SELECT file_id FROM messages WHERE conversation = @conversation AND seq = @seq AND deleted_by IS NULL FOR UPDATE) old
                    WHERE m.conversation = @conversation AND m.seq = @seq
                    RETURNING old.file_id;
                    """,
                    p =>
                    {
                        p.Add(Text("conversation", conversation));
                        p.Add(Bigint("seq", seq));
                        p.Add(Text("by", by));
                    },
                    r => GetNullableString(r, 0),
                    ct).ConfigureAwait(false);
                if (changed.Count == 1)
                {
                    await DeleteVersionsAsync(connection, transaction, conversation, seq, ct).ConfigureAwait(false); // the text is gone, its earlier ones too
                    await DeleteReactionsLockedAsync(connection, transaction, conversation, seq, ct).ConfigureAwait(false);
                }

                if (changed.Count == 1 && changed[0] is { } fileId)
                {
                    // The message's share goes with it, unless another message of the conversation still carries the file.
                    var unshare = new NpgsqlCommand(
                        """
                        DELETE FROM file_shares WHERE file_id = @file_id AND conversation = @conversation
                        AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation = @conversation AND file_id = @file_id);
                        """,
                        connection,
                        transaction);
                    await using (unshare.ConfigureAwait(false))
                    {
                        unshare.Parameters.Add(Text("file_id", fileId));
                        unshare.Parameters.Add(Text("conversation", conversation));
                        await unshare.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }

                await DropPinAsync(connection, transaction, conversation, seq, ct).ConfigureAwait(false); // a deleted message is unpinned
                return changed.Count == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task AppendAuditAsync(AuditRecord entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ExecuteAsync(
            """
            INSERT INTO audit_log (at, actor, action, target, room, reason, detail)
            VALUES (@at, @actor, @action, @target, @room, @reason, @detail);
            """,
            p =>
            {
                p.Add(Time("at", entry.At));
                p.Add(Text("actor", entry.Actor));
                p.Add(Text("action", entry.Action));
                p.Add(Text("target", entry.Target));
                p.Add(Text("room", entry.Room));
                p.Add(Text("reason", entry.Reason));
                p.Add(Text("detail", entry.Detail));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await ReadAsync(
            "SELECT id, at, actor, action, target, room, reason, detail FROM audit_log ORDER BY id DESC LIMIT @limit;",
            p => p.Add(Integer("limit", limit)),
            r => new AuditRecord(r.GetInt64(0), ReadTime(r, 1), r.GetString(2), r.GetString(3), GetNullableString(r, 4), GetNullableString(r, 5), GetNullableString(r, 6), GetNullableString(r, 7)),
            cancellationToken).ConfigureAwait(false);
        rows.Reverse();
        return rows;
    }

    private static string KindName(BanKind kind) => kind == BanKind.Address ? "address" : "user";
}
