namespace Piazza.Storage.Sqlite;

/// <summary>One schema step: the SQL that takes the database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
internal sealed record SqliteMigration(int Version, string Sql);

/// <summary>
/// The schema history, oldest first. Never edit a released step: append a new one. The applied version is kept in
/// <c>PRAGMA user_version</c>.
/// </summary>
internal static partial class SqliteMigrations
{
    // Methods, not static fields: the initialisation order of fields in two files of a partial class is not defined.
    public static IReadOnlyList<SqliteMigration> All { get; } = [.. FirstSteps(), .. LaterSteps()];

    private static SqliteMigration[] FirstSteps() =>
    [
        new(1, """
            CREATE TABLE accounts (
                key           TEXT    NOT NULL PRIMARY KEY,
                name          TEXT    NOT NULL,
                password_hash TEXT    NOT NULL,
                created_at    INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE tokens (
                hash        BLOB    NOT NULL PRIMARY KEY,
                account_key TEXT    NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                expires_at  INTEGER NOT NULL,
                revoked     INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE INDEX tokens_by_account ON tokens (account_key);

            CREATE TABLE rooms (
                key        TEXT    NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                topic      TEXT    NULL,
                owner      TEXT    NULL REFERENCES accounts (key) ON DELETE SET NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE memberships (
                room_key    TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key TEXT NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                PRIMARY KEY (room_key, account_key)
            ) WITHOUT ROWID;
            CREATE INDEX memberships_by_account ON memberships (account_key, room_key);

            -- No foreign keys on messages: history outlives accounts and rooms, and appends stay cheap.
            CREATE TABLE messages (
                conversation   TEXT    NOT NULL,
                seq            INTEGER NOT NULL,
                message_id     TEXT    NOT NULL,
                sender         TEXT    NOT NULL,
                sender_account TEXT    NULL,
                recipient      TEXT    NULL,
                text           TEXT    NOT NULL,
                ts             INTEGER NOT NULL,
                client_id      TEXT    NULL,
                PRIMARY KEY (conversation, seq)
            ) WITHOUT ROWID;
            CREATE INDEX messages_by_client_id ON messages (sender_account, client_id) WHERE client_id IS NOT NULL;

            CREATE TABLE private_participants (
                account_key   TEXT    NOT NULL,
                conversation  TEXT    NOT NULL,
                last_activity INTEGER NOT NULL,
                PRIMARY KEY (account_key, conversation)
            ) WITHOUT ROWID;
            CREATE INDEX private_participants_by_activity ON private_participants (account_key, last_activity DESC);
            """),

        // File sharing: a message may carry a file (copied into the message, so history needs no join); shares say
        // where a file is visible; uploads hold tus state (the bytes are in the blob store's temp area).
        new(2, """
            ALTER TABLE messages ADD COLUMN file_id     TEXT    NULL;
            ALTER TABLE messages ADD COLUMN file_name   TEXT    NULL;
            ALTER TABLE messages ADD COLUMN file_size   INTEGER NULL;
            ALTER TABLE messages ADD COLUMN file_mime   TEXT    NULL;
            ALTER TABLE messages ADD COLUMN file_sha256 TEXT    NULL;

            CREATE TABLE files (
                id         TEXT    NOT NULL PRIMARY KEY,
                owner      TEXT    NOT NULL,
                name       TEXT    NOT NULL,
                size       INTEGER NOT NULL,
                mime       TEXT    NOT NULL,
                sha256     TEXT    NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX files_by_owner ON files (owner);
            CREATE INDEX files_by_sha256 ON files (sha256);

            -- No foreign key: shares are appended with messages, and a file deleted meanwhile must not fail the batch.
            CREATE TABLE file_shares (
                file_id      TEXT NOT NULL,
                conversation TEXT NOT NULL,
                PRIMARY KEY (file_id, conversation)
            ) WITHOUT ROWID;

            CREATE TABLE uploads (
                id            TEXT    NOT NULL PRIMARY KEY,
                owner         TEXT    NOT NULL,
                length        INTEGER NOT NULL,
                name          TEXT    NOT NULL,
                declared_type TEXT    NULL,
                sha256        TEXT    NOT NULL,
                created_at    INTEGER NOT NULL,
                file_id       TEXT    NULL REFERENCES files (id) ON DELETE CASCADE
            ) WITHOUT ROWID;
            CREATE INDEX uploads_by_owner ON uploads (owner) WHERE file_id IS NULL;
            """),

        // Moderation: roles, bans, mutes, topic locks, deletions and the audit log.
        new(3, """
            CREATE TABLE server_admins (
                account_key TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (key) ON DELETE CASCADE,
                granted_at  INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE room_moderators (
                room_key    TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key TEXT NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                PRIMARY KEY (room_key, account_key)
            ) WITHOUT ROWID;

            -- Rooms start topic-locked (only moderators change the topic), as the owner-only rule was before.
            ALTER TABLE rooms ADD COLUMN topic_locked INTEGER NOT NULL DEFAULT 1;

            -- room_key NULL: a server-wide ban. kind 'user' targets a folded user name, 'address' an IP address.
            CREATE TABLE bans (
                id         INTEGER PRIMARY KEY,
                room_key   TEXT    NULL,
                kind       TEXT    NOT NULL CHECK (kind IN ('user', 'address')),
                target     TEXT    NOT NULL,
                reason     TEXT    NULL,
                by_user    TEXT    NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NULL
            );
            CREATE INDEX bans_by_target ON bans (kind, target);

            CREATE TABLE room_mutes (
                room_key   TEXT    NOT NULL,
                user_key   TEXT    NOT NULL,
                reason     TEXT    NULL,
                by_user    TEXT    NOT NULL,
                expires_at INTEGER NULL,
                PRIMARY KEY (room_key, user_key)
            ) WITHOUT ROWID;

            -- A deleted message keeps its seq (no gap) but loses its text.
            ALTER TABLE messages ADD COLUMN deleted_by TEXT NULL;
            CREATE INDEX messages_by_id ON messages (message_id);

            CREATE TABLE audit_log (
                id      INTEGER PRIMARY KEY,
                at      INTEGER NOT NULL,
                actor   TEXT    NOT NULL,
                action  TEXT    NOT NULL,
                target  TEXT    NULL,
                room    TEXT    NULL,
                reason  TEXT    NULL,
                detail  TEXT    NULL
            );
            """),

        // Name skeletons (Piazza.Core.NameSkeleton) for the confusable-name check; piazza_skeleton is the same
        // function, registered on the writer connection. Rerun such an UPDATE whenever the skeleton rules change.
        new(4, """
            ALTER TABLE accounts ADD COLUMN skeleton TEXT NULL;
            UPDATE accounts SET skeleton = piazza_skeleton(name);
            CREATE INDEX accounts_by_skeleton ON accounts (skeleton);

            ALTER TABLE rooms ADD COLUMN skeleton TEXT NULL;
            UPDATE rooms SET skeleton = piazza_skeleton(name);
            CREATE INDEX rooms_by_skeleton ON rooms (skeleton);
            """),

        // Rooms a guest created last while someone is in them. Rooms stored before this without an owner or members
        // (the lobby aside) can only be guests' rooms: they are marked, and so deleted at the next start.
        new(5, """
            ALTER TABLE rooms ADD COLUMN by_guest INTEGER NOT NULL DEFAULT 0;
            UPDATE rooms SET by_guest = 1
            WHERE owner IS NULL AND key <> 'lobby'
              AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_key = rooms.key);
            """),

        // Private rooms (listed to members only) and the invitations that let an account join one, each used once.
        new(6, """
            ALTER TABLE rooms ADD COLUMN private INTEGER NOT NULL DEFAULT 0;

            CREATE TABLE invitations (
                room_key    TEXT    NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key TEXT    NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                invited_by  TEXT    NOT NULL,
                invited_at  INTEGER NOT NULL,
                PRIMARY KEY (room_key, account_key)
            ) WITHOUT ROWID;
            CREATE INDEX invitations_by_account ON invitations (account_key, room_key);
            """),
        // Mentions and read state (docs/protocol.md): a message keeps the keys it mentions (mentions, comma-separated,
        // '@room' for every member) and, for counting, one message_mentions row per key; read positions per account and
        // conversation. Unread counts are seq spans less the reader's own messages (messages_by_sender) and others'
        // deleted ones (messages_deleted): range reads, never a scan of the conversation.
        new(7, """
            ALTER TABLE messages ADD COLUMN mentions TEXT NULL;

            CREATE TABLE message_mentions (
                conversation TEXT    NOT NULL,
                account_key  TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                PRIMARY KEY (conversation, account_key, seq)
            ) WITHOUT ROWID;

            CREATE TABLE read_positions (
                account_key  TEXT    NOT NULL,
                conversation TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                PRIMARY KEY (account_key, conversation)
            ) WITHOUT ROWID;

            CREATE INDEX messages_by_sender ON messages (sender_account, conversation, seq) WHERE sender_account IS NOT NULL;
            CREATE INDEX messages_deleted ON messages (conversation, seq) WHERE deleted_by IS NOT NULL;
            """),
        // Edits (docs/protocol.md, "Edit"): when a message's text was last edited, and the texts it had before, kept
        // for moderators (version 1 is the text as sent; ts is when that text was written). A deletion erases them.
        new(8, """
            ALTER TABLE messages ADD COLUMN edited_at INTEGER NULL;

            CREATE TABLE message_versions (
                conversation TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                version      INTEGER NOT NULL,
                text         TEXT    NOT NULL,
                ts           INTEGER NOT NULL,
                PRIMARY KEY (conversation, seq, version)
            ) WITHOUT ROWID;
            """),

        // Replies (docs/protocol.md, "Replies"): the id of the message a message answers. The quote is built when read
        // (messages_by_id), so it follows the original's edits and deletion.
        new(9, """
            ALTER TABLE messages ADD COLUMN reply_to TEXT NULL;
            """),

        // Reactions (docs/protocol.md, "Reactions"): one row per conversation, seq, emoji and user key, with the
        // user's display name and time; id keeps reaction order, emoji_order the emoji's place on the message (it
        // keeps its place while anyone has it; a new or returning emoji goes last). A page's reactions are one range
        // read of the unique index. Rows go with their message: deletion (MarkDeletedAsync) and the removal of a room's messages (trigger).
        new(10, """
            CREATE TABLE message_reactions (
                id           INTEGER PRIMARY KEY,
                conversation TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                emoji        TEXT    NOT NULL,
                emoji_order  INTEGER NOT NULL,
                user_key     TEXT    NOT NULL,
                user_name    TEXT    NOT NULL,
                at           INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX message_reactions_key ON message_reactions (conversation, seq, emoji, user_key);

            CREATE TRIGGER message_reactions_go_with_messages AFTER DELETE ON messages
            BEGIN
                DELETE FROM message_reactions WHERE conversation = old.conversation AND seq = old.seq;
            END;
            """),

        // Pins (docs/protocol.md, "Pins"): at most 50 per conversation, newest pin first (rowid order: a new pin gets
        // a rowid above every existing one). A deleted message's pin is dropped with the deletion.
        new(11, """
            CREATE TABLE pins (
                conversation TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                message_id   TEXT    NOT NULL,
                pinned_by    TEXT    NOT NULL,
                pinned_at    INTEGER NOT NULL,
                PRIMARY KEY (conversation, seq)
            );
            """),
    ];
}
