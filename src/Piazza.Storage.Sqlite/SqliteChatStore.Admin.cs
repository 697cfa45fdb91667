namespace Piazza.Storage.Sqlite;

/// <summary>The admin port (<see cref="Core.Storage.IAdminStore"/>): disabled accounts and audit pages.</summary>
public sealed partial class SqliteChatStore
{
    public async Task<bool> SetAccountDisabledAsync(string accountKey, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var updated = await WriteAsync(
            "UPDATE accounts SET disabled = $disabled WHERE key = $key;",
            p =>
            {
                p.AddWithValue("$key", accountKey);
                p.AddWithValue("$disabled", disabled ? 1 : 0);
            },
            cancellationToken).ConfigureAwait(false);
        return updated > 0;
    }

    public async Task<IReadOnlyList<Core.Storage.AuditRecord>> ReadAuditPageAsync(long? beforeId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync(
            "SELECT id, at, actor, action, target, room, reason, detail FROM audit_log WHERE id < $before ORDER BY id DESC LIMIT $limit;",
            p =>
            {
                p.AddWithValue("$before", beforeId ?? long.MaxValue);
                p.AddWithValue("$limit", limit);
            },
            ReadAudit,
            cancellationToken).ConfigureAwait(false);
    }
}
