namespace Piazza.Core.Storage;

/// <summary>What the admin services (docs/admin.md) store beyond the other ports: disabled accounts and the audit log read in pages.</summary>
public interface IAdminStore
{
    /// <summary>Disables (or enables) an account; false when there is no such account. Doing it twice is not an error.</summary>
    Task<bool> SetAccountDisabledAsync(string accountKey, bool disabled, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the audit log, newest first: up to <paramref name="limit"/> entries whose id is below
    /// <paramref name="beforeId"/> (from the newest when null). The last entry's id is the next page's
    /// <paramref name="beforeId"/>; ids only grow, so a page never repeats or skips an entry as new ones arrive.
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditPageAsync(long? beforeId, int limit, CancellationToken cancellationToken = default);
}
