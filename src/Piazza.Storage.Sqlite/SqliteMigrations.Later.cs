namespace Piazza.Storage.Sqlite;

/// <summary>Steps 12 on (the file split for length; the order is <see cref="All"/>'s).</summary>
internal static partial class SqliteMigrations
{
    private static SqliteMigration[] LaterSteps() =>
    [
        // Full-text search (docs/protocol.md, "Search"): an FTS5 external-content index over messages' text. messages
        // has no integer rowid (WITHOUT ROWID), so message_search_docs gives each indexed message one, in the order
        // stored (the search cursor), and the content table is a view joining the two. Triggers keep the index exact
        // inside the appending, editing or deleting transaction: a message is indexed when inserted, re-indexed when
        // its text changes (same doc id, so an edit keeps its place), and dropped when deleted (deleted_by set) or
        // removed. The backfill indexes the standing messages already stored, oldest first.
        new(12, """
            CREATE TABLE message_search_docs (
                id           INTEGER PRIMARY KEY,
                conversation TEXT    NOT NULL,
                seq          INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX message_search_docs_by_message ON message_search_docs (conversation, seq);

            CREATE VIEW message_search_content AS
                SELECT d.id AS id, m.text AS text
                FROM message_search_docs d JOIN messages m ON m.conversation = d.conversation AND m.seq = d.seq;

            CREATE VIRTUAL TABLE message_fts USING fts5 (
                text,
                content = 'message_search_content',
                content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );

            CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN NEW.deleted_by IS NULL BEGIN
                INSERT INTO message_search_docs (conversation, seq) VALUES (NEW.conversation, NEW.seq);
                INSERT INTO message_fts (rowid, text) VALUES (last_insert_rowid(), NEW.text);
            END;

            CREATE TRIGGER messages_search_update AFTER UPDATE OF text, deleted_by ON messages BEGIN
                INSERT INTO message_fts (message_fts, rowid, text)
                    SELECT 'delete', d.id, OLD.text FROM message_search_docs d
                    WHERE d.conversation = OLD.conversation AND d.seq = OLD.seq;
                DELETE FROM message_search_docs
                    WHERE conversation = OLD.conversation AND seq = OLD.seq AND NEW.deleted_by IS NOT NULL;
                INSERT INTO message_fts (rowid, text)
                    SELECT d.id, NEW.text FROM message_search_docs d
                    WHERE d.conversation = NEW.conversation AND d.seq = NEW.seq;
            END;

            CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
                INSERT INTO message_fts (message_fts, rowid, text)
                    SELECT 'delete', d.id, OLD.text FROM message_search_docs d
                    WHERE d.conversation = OLD.conversation AND d.seq = OLD.seq;
                DELETE FROM message_search_docs WHERE conversation = OLD.conversation AND seq = OLD.seq;
            END;

            INSERT INTO message_search_docs (conversation, seq)
                SELECT conversation, seq FROM messages WHERE deleted_by IS NULL ORDER BY ts, conversation, seq;
            INSERT INTO message_fts (message_fts) VALUES ('rebuild');
            """),

        // Client ids are scoped per sender and conversation (docs/protocol.md, "Idempotent sends"): the same id in
        // another conversation is another message. The index the idempotency lookup uses gains the conversation.
        new(13, """
            DROP INDEX IF EXISTS messages_by_client_id;
            CREATE INDEX messages_by_client_id ON messages (sender_account, conversation, client_id) WHERE client_id IS NOT NULL;
            """),

        // Bot accounts and tokens (docs/protocol.md, "Tokens, sessions and bots"): accounts.bot marks a bot; a token
        // row is a session token (name NULL, every scope) or a named token (name unique among an account's live
        // tokens, its scopes listed). created_at, last_used_at and label are what a session list shows; rows made
        // before this step get a created_at 30 days before their expiry (the lifetime they were issued with).
        new(14, """
            ALTER TABLE accounts ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN sender_bot INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE tokens ADD COLUMN name TEXT NULL;
            ALTER TABLE tokens ADD COLUMN scopes TEXT NULL;
            ALTER TABLE tokens ADD COLUMN label TEXT NULL;
            ALTER TABLE tokens ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE tokens ADD COLUMN last_used_at INTEGER NULL;
            UPDATE tokens SET created_at = expires_at - 2592000000;
            CREATE UNIQUE INDEX tokens_by_name ON tokens (account_key, name) WHERE name IS NOT NULL AND revoked = 0;
            """),

        // Webhooks (docs/http-api.md, "Webhooks"): incoming ones found by their secret's SHA-256 and posting as their
        // bot account; outgoing ones with their cursor (the last seq handled), delivery state and lease; and the
        // deliveries given up on, the newest kept per webhook.
        new(15, """
            CREATE TABLE incoming_webhooks (
                id          TEXT    PRIMARY KEY,
                room        TEXT    NOT NULL,
                name        TEXT    NOT NULL,
                account     TEXT    NOT NULL,
                secret_hash BLOB    NOT NULL UNIQUE,
                created_by  TEXT    NOT NULL,
                created_at  INTEGER NOT NULL
            );
            CREATE INDEX incoming_webhooks_by_room ON incoming_webhooks (room);
            CREATE INDEX incoming_webhooks_by_account ON incoming_webhooks (account);

            CREATE TABLE outgoing_webhooks (
                id              TEXT    PRIMARY KEY,
                room            TEXT    NOT NULL,
                url             TEXT    NOT NULL,
                triggers        TEXT    NOT NULL,
                secret          TEXT    NOT NULL,
                created_by      TEXT    NOT NULL,
                created_at      INTEGER NOT NULL,
                cursor          INTEGER NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER,
                last_status     INTEGER,
                last_error      TEXT,
                last_attempt_at INTEGER,
                failing_since   INTEGER,
                failed          INTEGER NOT NULL DEFAULT 0,
                lease_holder    TEXT,
                lease_until     INTEGER
            );
            CREATE INDEX outgoing_webhooks_by_room ON outgoing_webhooks (room);

            CREATE TABLE webhook_failures (
                webhook    TEXT    NOT NULL,
                delivery   TEXT    NOT NULL,
                seq        INTEGER NOT NULL,
                message_id TEXT    NOT NULL,
                attempts   INTEGER NOT NULL,
                error      TEXT    NOT NULL,
                at         INTEGER NOT NULL,
                PRIMARY KEY (webhook, seq)
            );
            """),

        // Operations (docs/operations.md): disabled accounts, each room's retention, and where a conversation's
        // history begins once retention has cut it (so a resume below it is told, not shown a gap).
        new(16, """
            ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE rooms ADD COLUMN retention_days INTEGER;
            CREATE TABLE history_starts (
                conversation TEXT    NOT NULL PRIMARY KEY,
                first_seq    INTEGER NOT NULL,
                cut_at       INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
    ];
}
