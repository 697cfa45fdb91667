namespace Piazza.Storage.Sqlite;

/// <summary>One schema step: the SQL that takes the database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
internal sealed record SqliteMigration(int Version, string Sql);

/// <summary>
/// The schema history, oldest first. Never edit a released step: append a new one. The applied version is kept in
/// <c>PRAGMA user_version</c>.
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<SqliteMigration> All { get; } =
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

        // Name skeletons (Piazza.Core.NameSkeleton) for the confusable-name check; piazza_skeleton is the same
        // function, registered on the writer connection. Rerun such an UPDATE whenever the skeleton rules change.
        new(2, """
            ALTER TABLE accounts ADD COLUMN skeleton TEXT NULL;
            UPDATE accounts SET skeleton = piazza_skeleton(name);
            CREATE INDEX accounts_by_skeleton ON accounts (skeleton);

            ALTER TABLE rooms ADD COLUMN skeleton TEXT NULL;
            UPDATE rooms SET skeleton = piazza_skeleton(name);
            CREATE INDEX rooms_by_skeleton ON rooms (skeleton);
            """),
    ];
}
