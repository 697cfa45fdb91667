using System.Threading.RateLimiting;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The per-user budget of upload creations. Every creation counts, an empty upload too: it completes at once, so the
/// unfinished-upload cap never sees it and it weighs nothing against the quota. Idle users' buckets are dropped by the
/// limiter, so memory follows the users uploading now.
/// </summary>
internal sealed class UploadCreationRate(int perMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(owner =>
        perMinute <= 0
            ? RateLimitPartition.GetNoLimiter(owner)
            : RateLimitPartition.GetTokenBucketLimiter(owner, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>Takes one creation from <paramref name="owner"/>'s budget: null when granted, else how long to wait.</summary>
    public TimeSpan? TryTake(string owner)
    {
        using var lease = _limiter.AttemptAcquire(owner);
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter
            : TimeSpan.FromMinutes(1) / Math.Max(1, perMinute);
    }

    public void Dispose() => _limiter.Dispose();
}
