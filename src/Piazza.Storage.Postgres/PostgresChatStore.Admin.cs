namespace Piazza.Storage.Postgres;

/// <summary>The admin port (<see cref="Core.Storage.IAdminStore"/>): disabled accounts and audit pages.</summary>
public sealed partial class PostgresChatStore
{
    public async Task<bool> SetAccountDisabledAsync(string accountKey, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        var updated = await ExecuteAsync(
            "UPDATE accounts SET disabled = @disabled WHERE key = @key;",
            p =>
            {
                p.Add(Text("key", accountKey));
                p.Add(Boolean("disabled", disabled));
            },
            cancellationToken).ConfigureAwait(false);
        return updated > 0;
    }

    public async Task<IReadOnlyList<Core.Storage.AuditRecord>> ReadAuditPageAsync(long? beforeId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await ReadAsync(
            "SELECT id, at, actor, action, target, room, reason, detail FROM audit_log WHERE id < @before ORDER BY id DESC LIMIT @limit;",
            p =>
            {
                p.Add(Bigint("before", beforeId ?? long.MaxValue));
                p.Add(Integer("limit", limit));
            },
            r => new Core.Storage.AuditRecord(r.GetInt64(0), ReadTime(r, 1), r.GetString(2), r.GetString(3), GetNullableString(r, 4), GetNullableString(r, 5), GetNullableString(r, 6), GetNullableString(r, 7)),
            cancellationToken).ConfigureAwait(false);
    }
}
