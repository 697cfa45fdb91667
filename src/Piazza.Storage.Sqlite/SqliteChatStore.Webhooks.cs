using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>Webhooks (<see cref="IWebhookStore"/>): small tables read by room or by id; the lease is one conditional UPDATE.</summary>
public sealed partial class SqliteChatStore
{
    private const string IncomingColumns = "id, room, name, account, secret_hash, created_by, created_at";

    private const string OutgoingColumns = "id, room, url, triggers, secret, created_by, created_at, cursor, attempts, next_attempt_at, last_status, last_error, last_attempt_at, failing_since, failed";

    public Task CreateIncomingWebhookAsync(IncomingWebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return WriteAsync(
            $"INSERT INTO incoming_webhooks ({IncomingColumns}) VALUES ($id, $room, $name, $account, $secret_hash, $created_by, $created_at);",
            p =>
            {
                p.AddWithValue("$id", webhook.Id);
                p.AddWithValue("$room", webhook.RoomKey);
                p.AddWithValue("$name", webhook.Name);
                p.AddWithValue("$account", webhook.AccountKey);
                p.AddWithValue("$secret_hash", webhook.SecretHash);
                p.AddWithValue("$created_by", webhook.CreatedBy);
                p.AddWithValue("$created_at", ToUnixMs(webhook.CreatedAt));
            },
            cancellationToken);
    }

    public async Task<IncomingWebhookRecord?> FindIncomingWebhookAsync(byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        var rows = await ReadAsync($"SELECT {IncomingColumns} FROM incoming_webhooks WHERE secret_hash = $hash;", p => p.AddWithValue("$hash", secretHash), ReadIncoming, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<IncomingWebhookRecord>> IncomingWebhooksAsync(string roomKey, CancellationToken cancellationToken = default)
        => await ReadAsync($"SELECT {IncomingColumns} FROM incoming_webhooks WHERE room = $room ORDER BY created_at, id;", p => p.AddWithValue("$room", roomKey), ReadIncoming, cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteIncomingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default)
        => await WriteAsync("DELETE FROM incoming_webhooks WHERE room = $room AND id = $id;", p =>
        {
            p.AddWithValue("$room", roomKey);
            p.AddWithValue("$id", id);
        }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> IsWebhookAccountAsync(string accountKey, CancellationToken cancellationToken = default)
        => (await ReadAsync("SELECT 1 FROM incoming_webhooks WHERE account = $account LIMIT 1;", p => p.AddWithValue("$account", accountKey), _ => 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    public Task CreateOutgoingWebhookAsync(OutgoingWebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return WriteAsync(
            "INSERT INTO outgoing_webhooks (id, room, url, triggers, secret, created_by, created_at, cursor) VALUES ($id, $room, $url, $triggers, $secret, $created_by, $created_at, $cursor);",
            p =>
            {
                p.AddWithValue("$id", webhook.Id);
                p.AddWithValue("$room", webhook.RoomKey);
                p.AddWithValue("$url", webhook.Url);
                p.AddWithValue("$triggers", string.Join('\n', webhook.Triggers));
                p.AddWithValue("$secret", webhook.Secret);
                p.AddWithValue("$created_by", webhook.CreatedBy);
                p.AddWithValue("$created_at", ToUnixMs(webhook.CreatedAt));
                p.AddWithValue("$cursor", webhook.Cursor);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<OutgoingWebhookRecord>> OutgoingWebhooksAsync(string? roomKey, CancellationToken cancellationToken = default)
        => await ReadAsync(
            $"SELECT {OutgoingColumns} FROM outgoing_webhooks WHERE $room IS NULL OR room = $room ORDER BY created_at, id;",
            p => p.AddWithValue("$room", OrDbNull(roomKey)),
            ReadOutgoing,
            cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteOutgoingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default)
        => await WriteAsync(
            "DELETE FROM webhook_failures WHERE webhook = (SELECT id FROM outgoing_webhooks WHERE room = $room AND id = $id); DELETE FROM outgoing_webhooks WHERE room = $room AND id = $id;",
            p =>
            {
                p.AddWithValue("$room", roomKey);
                p.AddWithValue("$id", id);
            },
            cancellationToken).ConfigureAwait(false) > 0;

    public async Task<bool> TryLeaseOutgoingWebhookAsync(string id, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
        => await WriteAsync(
            "UPDATE outgoing_webhooks SET lease_holder = $holder, lease_until = $until WHERE id = $id AND (lease_holder IS NULL OR lease_holder = $holder OR lease_until < $now);",
            p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$holder", holder);
                p.AddWithValue("$now", ToUnixMs(now));
                p.AddWithValue("$until", ToUnixMs(until));
            },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> SaveOutgoingProgressAsync(string id, string holder, long cursor, OutgoingWebhookState state, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await WriteAsync(
            """
            UPDATE outgoing_webhooks SET cursor = $cursor, attempts = $attempts, next_attempt_at = $next, last_status = $status,
                last_error = $error, last_attempt_at = $last, failing_since = $since, failed = $failed, lease_until = $until
            WHERE id = $id AND lease_holder = $holder;
            """,
            p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$holder", holder);
                p.AddWithValue("$cursor", cursor);
                p.AddWithValue("$attempts", state.Attempts);
                p.AddWithValue("$next", OrDbNull(state.NextAttemptAt));
                p.AddWithValue("$status", (object?)state.LastStatus ?? DBNull.Value);
                p.AddWithValue("$error", OrDbNull(state.LastError));
                p.AddWithValue("$last", OrDbNull(state.LastAttemptAt));
                p.AddWithValue("$since", OrDbNull(state.FailingSince));
                p.AddWithValue("$failed", state.Failed);
                p.AddWithValue("$until", ToUnixMs(leaseUntil));
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task ReleaseOutgoingWebhookAsync(string id, string holder, CancellationToken cancellationToken = default)
        => WriteAsync("UPDATE outgoing_webhooks SET lease_holder = NULL, lease_until = NULL WHERE id = $id AND lease_holder = $holder;", p =>
        {
            p.AddWithValue("$id", id);
            p.AddWithValue("$holder", holder);
        }, cancellationToken);

    public Task AddWebhookFailureAsync(WebhookFailureRecord failure, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return WriteAsync(
            """
            INSERT OR REPLACE INTO webhook_failures (webhook, delivery, seq, message_id, attempts, error, at) VALUES ($webhook, $delivery, $seq, $message_id, $attempts, $error, $at);
            DELETE FROM webhook_failures WHERE webhook = $webhook AND seq NOT IN (SELECT seq FROM webhook_failures WHERE webhook = $webhook ORDER BY seq DESC LIMIT $keep);
            """,
            p =>
            {
                p.AddWithValue("$webhook", failure.WebhookId);
                p.AddWithValue("$delivery", failure.DeliveryId);
                p.AddWithValue("$seq", failure.Seq);
                p.AddWithValue("$message_id", failure.MessageId);
                p.AddWithValue("$attempts", failure.Attempts);
                p.AddWithValue("$error", failure.Error);
                p.AddWithValue("$at", ToUnixMs(failure.At));
                p.AddWithValue("$keep", keep);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookFailureRecord>> WebhookFailuresAsync(string webhookId, int limit, CancellationToken cancellationToken = default)
        => await ReadAsync(
            "SELECT webhook, delivery, seq, message_id, attempts, error, at FROM webhook_failures WHERE webhook = $webhook ORDER BY seq DESC LIMIT $limit;",
            p =>
            {
                p.AddWithValue("$webhook", webhookId);
                p.AddWithValue("$limit", limit);
            },
            r => new WebhookFailureRecord(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), r.GetString(5), FromUnixMs(r.GetInt64(6))),
            cancellationToken).ConfigureAwait(false);

    private static object OrDbNull(DateTimeOffset? value) => value is { } v ? ToUnixMs(v) : DBNull.Value;

    private static DateTimeOffset? NullableTime(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : FromUnixMs(r.GetInt64(ordinal));

    private static IncomingWebhookRecord ReadIncoming(SqliteDataReader r)
        => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r.GetValue(4), r.GetString(5), FromUnixMs(r.GetInt64(6)));

    private static OutgoingWebhookRecord ReadOutgoing(SqliteDataReader r)
        => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries), r.GetString(4), r.GetString(5), FromUnixMs(r.GetInt64(6)), r.GetInt64(7))
        {
            State = new OutgoingWebhookState(
                r.GetInt32(8), NullableTime(r, 9), r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetString(11), NullableTime(r, 12), NullableTime(r, 13), r.GetInt64(14)),
        };
}
