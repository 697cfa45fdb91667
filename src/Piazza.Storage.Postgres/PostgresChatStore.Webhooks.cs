using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>
/// Webhooks (<see cref="IWebhookStore"/>): small tables read by room or by id. The lease is one conditional UPDATE:
/// under READ COMMITTED a second node's UPDATE waits for the first and re-checks the condition on the new row, so
/// exactly one node holds an outgoing webhook at a time.
/// </summary>
public sealed partial class PostgresChatStore
{
    private const string IncomingColumns = "id, room, name, account, secret_hash, created_by, created_at";

    private const string OutgoingColumns = "id, room, url, triggers, secret, created_by, created_at, cursor, attempts, next_attempt_at, last_status, last_error, last_attempt_at, failing_since, failed";

    public Task CreateIncomingWebhookAsync(IncomingWebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return ExecuteAsync(
            $"INSERT INTO incoming_webhooks ({IncomingColumns}) VALUES (@id, @room, @name, @account, @secret_hash, @created_by, @created_at);",
            p =>
            {
                p.Add(Text("id", webhook.Id));
                p.Add(Text("room", webhook.RoomKey));
                p.Add(Text("name", webhook.Name));
                p.Add(Text("account", webhook.AccountKey));
                p.Add(Bytes("secret_hash", webhook.SecretHash));
                p.Add(Text("created_by", webhook.CreatedBy));
                p.Add(Time("created_at", webhook.CreatedAt));
            },
            cancellationToken);
    }

    public async Task<IncomingWebhookRecord?> FindIncomingWebhookAsync(byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        var rows = await ReadAsync($"SELECT {IncomingColumns} FROM incoming_webhooks WHERE secret_hash = @hash;", p => p.Add(Bytes("hash", secretHash)), ReadIncoming, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<IncomingWebhookRecord>> IncomingWebhooksAsync(string roomKey, CancellationToken cancellationToken = default)
        => await ReadAsync($"SELECT {IncomingColumns} FROM incoming_webhooks WHERE room = @room ORDER BY created_at, id;", p => p.Add(Text("room", roomKey)), ReadIncoming, cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteIncomingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default)
        => await ExecuteAsync("DELETE FROM incoming_webhooks WHERE room = @room AND id = @id;", p =>
        {
            p.Add(Text("room", roomKey));
            p.Add(Text("id", id));
        }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> IsWebhookAccountAsync(string accountKey, CancellationToken cancellationToken = default)
        => (await ReadAsync("SELECT 1 FROM incoming_webhooks WHERE account = @account LIMIT 1;", p => p.Add(Text("account", accountKey)), _ => 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    public Task CreateOutgoingWebhookAsync(OutgoingWebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return ExecuteAsync(
            "INSERT INTO outgoing_webhooks (id, room, url, triggers, secret, created_by, created_at, cursor) VALUES (@id, @room, @url, @triggers, @secret, @created_by, @created_at, @cursor);",
            p =>
            {
                p.Add(Text("id", webhook.Id));
                p.Add(Text("room", webhook.RoomKey));
                p.Add(Text("url", webhook.Url));
                p.Add(Text("triggers", string.Join('\n', webhook.Triggers)));
                p.Add(Text("secret", webhook.Secret));
                p.Add(Text("created_by", webhook.CreatedBy));
                p.Add(Time("created_at", webhook.CreatedAt));
                p.Add(Bigint("cursor", webhook.Cursor));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<OutgoingWebhookRecord>> OutgoingWebhooksAsync(string? roomKey, CancellationToken cancellationToken = default)
        => await ReadAsync(
            $"SELECT {OutgoingColumns} FROM outgoing_webhooks WHERE @room::text IS NULL OR room = @room ORDER BY created_at, id;",
            p => p.Add(Text("room", roomKey)),
            ReadOutgoing,
            cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteOutgoingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default)
        => await InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var deleted = await QueryAsync(
                    connection,
                    transaction,
                    "DELETE FROM outgoing_webhooks WHERE room = @room AND id = @id RETURNING id;",
                    p =>
                    {
                        p.Add(Text("room", roomKey));
                        p.Add(Text("id", id));
                    },
                    r => r.GetString(0),
                    ct).ConfigureAwait(false);
                if (deleted.Count > 0)
                {
                    _ = await QueryAsync(connection, transaction, "DELETE FROM webhook_failures WHERE webhook = @id;", p => p.Add(Text("id", id)), _ => 0, ct).ConfigureAwait(false);
                }

                return deleted.Count > 0;
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<bool> TryLeaseOutgoingWebhookAsync(string id, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
        => await ExecuteAsync(
            "UPDATE outgoing_webhooks SET lease_holder = @holder, lease_until = @until WHERE id = @id AND (lease_holder IS NULL OR lease_holder = @holder OR lease_until < @now);",
            p =>
            {
                p.Add(Text("id", id));
                p.Add(Text("holder", holder));
                p.Add(Time("now", now));
                p.Add(Time("until", until));
            },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> SaveOutgoingProgressAsync(string id, string holder, long cursor, OutgoingWebhookState state, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            """
            UPDATE outgoing_webhooks SET cursor = @cursor, attempts = @attempts, next_attempt_at = @next, last_status = @status,
                last_error = @error, last_attempt_at = @last, failing_since = @since, failed = @failed, lease_until = @until
            WHERE id = @id AND lease_holder = @holder;
            """,
            p =>
            {
                p.Add(Text("id", id));
                p.Add(Text("holder", holder));
                p.Add(Bigint("cursor", cursor));
                p.Add(Integer("attempts", state.Attempts));
                p.Add(Time("next", state.NextAttemptAt));
                p.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = (object?)state.LastStatus ?? DBNull.Value });
                p.Add(Text("error", state.LastError));
                p.Add(Time("last", state.LastAttemptAt));
                p.Add(Time("since", state.FailingSince));
                p.Add(Bigint("failed", state.Failed));
                p.Add(Time("until", leaseUntil));
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task ReleaseOutgoingWebhookAsync(string id, string holder, CancellationToken cancellationToken = default)
        => ExecuteAsync("UPDATE outgoing_webhooks SET lease_holder = NULL, lease_until = NULL WHERE id = @id AND lease_holder = @holder;", p =>
        {
            p.Add(Text("id", id));
            p.Add(Text("holder", holder));
        }, cancellationToken);

    public Task AddWebhookFailureAsync(WebhookFailureRecord failure, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return ExecuteAsync(
            """
            INSERT INTO webhook_failures (webhook, delivery, seq, message_id, attempts, error, at) VALUES (@webhook, @delivery, @seq, @message_id, @attempts, @error, @at)
            ON CONFLICT (webhook, seq) DO UPDATE SET delivery = EXCLUDED.delivery, message_id = EXCLUDED.message_id, attempts = EXCLUDED.attempts, error = EXCLUDED.error, at = EXCLUDED.at;
            DELETE FROM webhook_failures WHERE webhook = @webhook AND seq NOT IN (SELECT seq FROM webhook_failures WHERE webhook = @webhook ORDER BY seq DESC LIMIT @keep);
            """,
            p =>
            {
                p.Add(Text("webhook", failure.WebhookId));
                p.Add(Text("delivery", failure.DeliveryId));
                p.Add(Bigint("seq", failure.Seq));
                p.Add(Text("message_id", failure.MessageId));
                p.Add(Integer("attempts", failure.Attempts));
                p.Add(Text("error", failure.Error));
                p.Add(Time("at", failure.At));
                p.Add(Integer("keep", keep));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookFailureRecord>> WebhookFailuresAsync(string webhookId, int limit, CancellationToken cancellationToken = default)
        => await ReadAsync(
            "SELECT webhook, delivery, seq, message_id, attempts, error, at FROM webhook_failures WHERE webhook = @webhook ORDER BY seq DESC LIMIT @limit;",
            p =>
            {
                p.Add(Text("webhook", webhookId));
                p.Add(Integer("limit", limit));
            },
            r => new WebhookFailureRecord(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), r.GetString(5), ReadTime(r, 6)),
            cancellationToken).ConfigureAwait(false);

    private static IncomingWebhookRecord ReadIncoming(NpgsqlDataReader r)
        => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<byte[]>(4), r.GetString(5), ReadTime(r, 6));

    private static OutgoingWebhookRecord ReadOutgoing(NpgsqlDataReader r)
        => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries), r.GetString(4), r.GetString(5), ReadTime(r, 6), r.GetInt64(7))
        {
            State = new OutgoingWebhookState(
                r.GetInt32(8), ReadNullableTime(r, 9), r.IsDBNull(10) ? null : r.GetInt32(10), GetNullableString(r, 11), ReadNullableTime(r, 12), ReadNullableTime(r, 13), r.GetInt64(14)),
        };
}
