namespace Piazza.Core.Accounts;

/// <summary>
/// Deletes token rows that can never be used again (expired or revoked), at most once per <see cref="Interval"/> on
/// the hub's clock, when a token is issued: every login adds a row, and they were never deleted.
/// </summary>
internal sealed class TokenPruning(HubContext hub)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    // UTC ticks of the last prune; 0 so the first token issued after a start prunes.
    private long _lastPrune;

    public async Task PruneWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = hub.Now;
        var last = Interlocked.Read(ref _lastPrune);
        if (now.UtcTicks - last < Interval.Ticks || Interlocked.CompareExchange(ref _lastPrune, now.UtcTicks, last) != last)
        {
            return;
        }

        await hub.Store.PruneTokensAsync(now, cancellationToken).ConfigureAwait(false);
    }
}
