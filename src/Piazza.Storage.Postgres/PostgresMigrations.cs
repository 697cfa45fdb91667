namespace Piazza.Storage.Postgres;

/// <summary>One schema step: the SQL that takes the database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
internal sealed record PostgresMigration(int Version, string Sql);

/// <summary>
/// The schema history, oldest first. Never edit a released step: append a new one. Applied versions are rows of
/// <c>piazza_schema_versions</c>. Version 1 is the whole schema the SQLite store reached in its fifth step, with
/// PostgreSQL types: keys are <c>text COLLATE "C"</c> so they sort and compare by code point as SQLite's BINARY
/// does, times are <c>timestamptz</c> kept to the millisecond, flags are <c>boolean</c>, ids are identities.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<PostgresMigration> All { get; } =
    [
        new(1, """
            CREATE TABLE accounts (
                key           text COLLATE "C" NOT NULL PRIMARY KEY,
                name          text        NOT NULL,
                password_hash text        NOT NULL,
                created_at    timestamptz NOT NULL,
                skeleton      text        NOT NULL
            );
            CREATE INDEX accounts_by_skeleton ON accounts (skeleton);

            CREATE TABLE tokens (
                hash        bytea       NOT NULL PRIMARY KEY,
                account_key text COLLATE "C" NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                expires_at  timestamptz NOT NULL,
                revoked     boolean     NOT NULL DEFAULT false
            );
            CREATE INDEX tokens_by_account ON tokens (account_key);

            CREATE TABLE rooms (
                key          text COLLATE "C" NOT NULL PRIMARY KEY,
                name         text        NOT NULL,
                topic        text        NULL,
                owner        text COLLATE "C" NULL REFERENCES accounts (key) ON DELETE SET NULL,
                created_at   timestamptz NOT NULL,
                topic_locked boolean     NOT NULL DEFAULT true,
                skeleton     text        NOT NULL,
                by_guest     boolean     NOT NULL DEFAULT false
            );
            CREATE INDEX rooms_by_skeleton ON rooms (skeleton);

            CREATE TABLE memberships (
                room_key    text COLLATE "C" NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key text COLLATE "C" NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                PRIMARY KEY (room_key, account_key)
            );
            CREATE INDEX memberships_by_account ON memberships (account_key, room_key);

            -- Each conversation's last assigned seq: the row every appender locks (in conversation order) to take the
            -- next seqs inside the transaction that stores the messages, so seqs are gap-free across nodes.
            CREATE TABLE conversation_seqs (
                conversation text COLLATE "C" NOT NULL PRIMARY KEY,
                last_seq     bigint NOT NULL
            );

            -- No foreign keys on messages: history outlives accounts and rooms, and appends stay cheap.
            CREATE TABLE messages (
                conversation   text COLLATE "C" NOT NULL,
                seq            bigint      NOT NULL,
                message_id     text        NOT NULL,
                sender         text        NOT NULL,
                sender_account text COLLATE "C" NULL,
                recipient      text        NULL,
                text           text        NOT NULL,
                ts             timestamptz NOT NULL,
                client_id      text COLLATE "C" NULL,
                file_id        text        NULL,
                file_name      text        NULL,
                file_size      bigint      NULL,
                file_mime      text        NULL,
                file_sha256    text        NULL,
                deleted_by     text        NULL,
                PRIMARY KEY (conversation, seq)
            );
            -- Unique: a client id resent to another node is stored once (SQLite's index is not unique; one node
            -- checks in memory there).
            CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_account, client_id) WHERE client_id IS NOT NULL;
            CREATE INDEX messages_by_id ON messages (message_id);

            CREATE TABLE private_participants (
                account_key   text COLLATE "C" NOT NULL,
                conversation  text COLLATE "C" NOT NULL,
                last_activity timestamptz NOT NULL,
                PRIMARY KEY (account_key, conversation)
            );
            CREATE INDEX private_participants_by_activity ON private_participants (account_key, last_activity DESC, conversation);

            CREATE TABLE files (
                id         text COLLATE "C" NOT NULL PRIMARY KEY,
                owner      text COLLATE "C" NOT NULL,
                name       text        NOT NULL,
                size       bigint      NOT NULL,
                mime       text        NOT NULL,
                sha256     text        NOT NULL,
                created_at timestamptz NOT NULL
            );
            CREATE INDEX files_by_owner ON files (owner);
            CREATE INDEX files_by_sha256 ON files (sha256);

            -- No foreign key: shares are appended with messages, and a file deleted meanwhile must not fail the batch.
            CREATE TABLE file_shares (
                file_id      text COLLATE "C" NOT NULL,
                conversation text COLLATE "C" NOT NULL,
                PRIMARY KEY (file_id, conversation)
            );
            CREATE INDEX file_shares_by_conversation ON file_shares (conversation);

            CREATE TABLE uploads (
                id            text COLLATE "C" NOT NULL PRIMARY KEY,
                owner         text COLLATE "C" NOT NULL,
                length        bigint      NOT NULL,
                name          text        NOT NULL,
                declared_type text        NULL,
                sha256        text        NOT NULL,
                created_at    timestamptz NOT NULL,
                file_id       text COLLATE "C" NULL REFERENCES files (id) ON DELETE CASCADE
            );
            CREATE INDEX uploads_by_owner ON uploads (owner) WHERE file_id IS NULL;
            CREATE INDEX uploads_by_file ON uploads (file_id);

            CREATE TABLE server_admins (
                account_key text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES accounts (key) ON DELETE CASCADE,
                granted_at  timestamptz NOT NULL
            );

            CREATE TABLE room_moderators (
                room_key    text COLLATE "C" NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key text COLLATE "C" NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                PRIMARY KEY (room_key, account_key)
            );

            -- room_key NULL: a server-wide ban. kind 'user' targets a folded user name, 'address' an IP address.
            CREATE TABLE bans (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                room_key   text COLLATE "C" NULL,
                kind       text        NOT NULL CHECK (kind IN ('user', 'address')),
                target     text        NOT NULL,
                reason     text        NULL,
                by_user    text        NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NULL
            );
            CREATE INDEX bans_by_target ON bans (kind, target);
            CREATE INDEX bans_by_room ON bans (room_key);

            CREATE TABLE room_mutes (
                room_key   text COLLATE "C" NOT NULL,
                user_key   text COLLATE "C" NOT NULL,
                reason     text        NULL,
                by_user    text        NOT NULL,
                expires_at timestamptz NULL,
                PRIMARY KEY (room_key, user_key)
            );

            CREATE TABLE audit_log (
                id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at     timestamptz NOT NULL,
                actor  text        NOT NULL,
                action text        NOT NULL,
                target text        NULL,
                room   text        NULL,
                reason text        NULL,
                detail text        NULL
            );
            """),

        // Private rooms (listed to members only) and the invitations that let an account join one, each used once.
        // Invitations cascade with their room and account.
        new(2, """
            ALTER TABLE rooms ADD COLUMN private boolean NOT NULL DEFAULT false;

            CREATE TABLE invitations (
                room_key    text COLLATE "C" NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
                account_key text COLLATE "C" NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
                invited_by  text        NOT NULL,
                invited_at  timestamptz NOT NULL,
                PRIMARY KEY (room_key, account_key)
            );
            CREATE INDEX invitations_by_account ON invitations (account_key, room_key);
            """),
        // Mentions and read state, as SQLite's step 7: the mentions a message keeps, their index for counting, read
        // positions, and the two partial indexes that make unread counts range reads.
        new(3, """
            ALTER TABLE messages ADD COLUMN mentions text NULL;

            CREATE TABLE message_mentions (
                conversation text COLLATE "C" NOT NULL,
                account_key  text COLLATE "C" NOT NULL,
                seq          bigint NOT NULL,
                PRIMARY KEY (conversation, account_key, seq)
            );

            CREATE TABLE read_positions (
                account_key  text COLLATE "C" NOT NULL,
                conversation text COLLATE "C" NOT NULL,
                seq          bigint NOT NULL,
                PRIMARY KEY (account_key, conversation)
            );

            CREATE INDEX messages_by_sender ON messages (sender_account, conversation, seq) WHERE sender_account IS NOT NULL;
            CREATE INDEX messages_deleted ON messages (conversation, seq) WHERE deleted_by IS NOT NULL;
            """),
        // Edits, as SQLite's step 8: when a message's text was last edited, and the texts it had before (for moderators).
        new(4, """
            ALTER TABLE messages ADD COLUMN edited_at timestamptz NULL;

            CREATE TABLE message_versions (
                conversation text COLLATE "C" NOT NULL,
                seq          bigint      NOT NULL,
                version      integer     NOT NULL,
                text         text        NOT NULL,
                ts           timestamptz NOT NULL,
                PRIMARY KEY (conversation, seq, version)
            );
            """),

        // Replies, as SQLite's reply step: the id of the message a message answers; the quote is built when read.
        new(5, """
            ALTER TABLE messages ADD COLUMN reply_to text NULL;
            """),

        // Reactions, as SQLite's step 10: one row per conversation, seq, emoji and user key; id keeps reaction order,
        // emoji_order the emoji's place on the message.
        // Rows go with their message: deletion (MarkDeletedAsync) and the removal of a room's messages (trigger).
        new(6, """
            CREATE TABLE message_reactions (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                conversation text COLLATE "C" NOT NULL,
                seq          bigint      NOT NULL,
                emoji        text COLLATE "C" NOT NULL,
                emoji_order  integer     NOT NULL,
                user_key     text COLLATE "C" NOT NULL,
                user_name    text        NOT NULL,
                at           timestamptz NOT NULL
            );
            CREATE UNIQUE INDEX message_reactions_key ON message_reactions (conversation, seq, emoji, user_key);

            CREATE FUNCTION piazza_delete_message_reactions() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM message_reactions WHERE conversation = OLD.conversation AND seq = OLD.seq;
                RETURN OLD;
            END
            $$;
            CREATE TRIGGER message_reactions_go_with_messages AFTER DELETE ON messages
                FOR EACH ROW EXECUTE FUNCTION piazza_delete_message_reactions();
            """),

        // Pins, as SQLite's step 11; id orders them (newest pin first).
        new(7, """
            CREATE TABLE pins (
                id           bigint GENERATED ALWAYS AS IDENTITY,
                conversation text COLLATE "C" NOT NULL,
                seq          bigint      NOT NULL,
                message_id   text COLLATE "C" NOT NULL,
                pinned_by    text        NOT NULL,
                pinned_at    timestamptz NOT NULL,
                PRIMARY KEY (conversation, seq)
            );
            """),

        // Full-text search (docs/protocol.md, "Search"): a generated tsvector of the folded text (config 'simple': no
        // stemming, as SQLite's unicode61) under a GIN index; NULL for deleted messages, so they never match, and
        // recomputed by any UPDATE of text. piazza_search_fold is lower(unaccent(text)) when the unaccent extension
        // can be created, else lower() and a fixed table of Latin letters with diacritics (the server log of the
        // migration does not say which: SELECT piazza_search_fold('Café') tells). search_id orders results (the
        // order stored) and is the search cursor.
        new(8, """
            DO $$
            DECLARE schema_name text;
            BEGIN
                BEGIN
                    CREATE EXTENSION IF NOT EXISTS unaccent;
                EXCEPTION WHEN OTHERS THEN
                    NULL;
                END;
                SELECT n.nspname INTO schema_name FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                WHERE e.extname = 'unaccent';
                IF schema_name IS NOT NULL THEN
                    EXECUTE format(
                        'CREATE FUNCTION piazza_search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
                        format('SELECT lower(%I.unaccent(%L::regdictionary, t))', schema_name, schema_name || '.unaccent'));
                ELSE
                    CREATE FUNCTION piazza_search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
                    $f$ SELECT translate(lower(t),
                        'àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž',
                        'aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz') $f$;
                END IF;
            END
            $$;

            ALTER TABLE messages ADD COLUMN search_id bigint GENERATED BY DEFAULT AS IDENTITY;
            ALTER TABLE messages ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
                CASE WHEN deleted_by IS NULL THEN to_tsvector('simple'::regconfig, piazza_search_fold(text)) END
            ) STORED;
            CREATE INDEX messages_search ON messages USING gin (search_doc);
            CREATE UNIQUE INDEX messages_by_search_id ON messages (search_id);
            """),

        // Client ids are unique per sender and conversation (docs/protocol.md, "Idempotent sends"), no longer per
        // sender: rows unique under the old index are unique under the wider one, so building it cannot fail. The new
        // index is built before the old one goes, and keeps its name (the sequencer retries on its violations).
        new(9, """
            CREATE UNIQUE INDEX messages_by_client_id_in_conversation ON messages (sender_account, conversation, client_id) WHERE client_id IS NOT NULL;
            DROP INDEX messages_by_client_id;
            ALTER INDEX messages_by_client_id_in_conversation RENAME TO messages_by_client_id;
            """),

        // Bot accounts and tokens: as SQLite's step 14.
        new(10, """
            ALTER TABLE accounts ADD COLUMN bot boolean NOT NULL DEFAULT false;
            ALTER TABLE messages ADD COLUMN sender_bot boolean NOT NULL DEFAULT false;
            ALTER TABLE tokens ADD COLUMN name text NULL;
            ALTER TABLE tokens ADD COLUMN scopes text NULL;
            ALTER TABLE tokens ADD COLUMN label text NULL;
            ALTER TABLE tokens ADD COLUMN created_at timestamptz NULL;
            ALTER TABLE tokens ADD COLUMN last_used_at timestamptz NULL;
            UPDATE tokens SET created_at = expires_at - interval '30 days';
            ALTER TABLE tokens ALTER COLUMN created_at SET NOT NULL;
            ALTER TABLE tokens ALTER COLUMN created_at SET DEFAULT now();
            CREATE UNIQUE INDEX tokens_by_name ON tokens (account_key, name) WHERE name IS NOT NULL AND NOT revoked;
            """),

        // Webhooks (docs/http-api.md, "Webhooks"): as SQLite's step 15. The lease (holder, until) is taken by one
        // conditional UPDATE, which PostgreSQL re-checks on the row's newest version, so two nodes never both hold it.
        new(11, """
            CREATE TABLE incoming_webhooks (
                id          text COLLATE "C" NOT NULL PRIMARY KEY,
                room        text COLLATE "C" NOT NULL,
                name        text        NOT NULL,
                account     text COLLATE "C" NOT NULL,
                secret_hash bytea       NOT NULL UNIQUE,
                created_by  text COLLATE "C" NOT NULL,
                created_at  timestamptz NOT NULL
            );
            CREATE INDEX incoming_webhooks_by_room ON incoming_webhooks (room);
            CREATE INDEX incoming_webhooks_by_account ON incoming_webhooks (account);

            CREATE TABLE outgoing_webhooks (
                id              text COLLATE "C" NOT NULL PRIMARY KEY,
                room            text COLLATE "C" NOT NULL,
                url             text        NOT NULL,
                triggers        text        NOT NULL,
                secret          text        NOT NULL,
                created_by      text COLLATE "C" NOT NULL,
                created_at      timestamptz NOT NULL,
                cursor          bigint      NOT NULL,
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz,
                last_status     integer,
                last_error      text,
                last_attempt_at timestamptz,
                failing_since   timestamptz,
                failed          bigint      NOT NULL DEFAULT 0,
                lease_holder    text,
                lease_until     timestamptz
            );
            CREATE INDEX outgoing_webhooks_by_room ON outgoing_webhooks (room);

            CREATE TABLE webhook_failures (
                webhook    text COLLATE "C" NOT NULL,
                delivery   text        NOT NULL,
                seq        bigint      NOT NULL,
                message_id text        NOT NULL,
                attempts   integer     NOT NULL,
                error      text        NOT NULL,
                at         timestamptz NOT NULL,
                PRIMARY KEY (webhook, seq)
            );
            """),

        // Operations (docs/operations.md): as SQLite's step 16.
        new(12, """
            ALTER TABLE accounts ADD COLUMN disabled boolean NOT NULL DEFAULT false;
            ALTER TABLE rooms ADD COLUMN retention_days integer;
            CREATE TABLE history_starts (
                conversation text COLLATE "C" NOT NULL PRIMARY KEY,
                first_seq    bigint      NOT NULL,
                cut_at       timestamptz NOT NULL
            );
            """),
    ];
}
