using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Piazza.Core;
using Piazza.Core.Limits;
using Piazza.Core.Observability;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Options;

namespace Piazza.Server.Limits;

/// <summary>
/// Request rates for the HTTP API (<c>/api/…</c>), with ASP.NET Core's rate limiting middleware: each request takes a
/// token from its bearer token's bucket (by the token's SHA-256, so a token pays the same from any address) or, without
/// one, from its address's bucket; and from its address's ceiling (every request of the address, IPv6 per /64), which
/// is ten times wider so users behind one NAT do not starve each other. A refused request is answered 429
/// <c>rate_limited</c> with the JSON error body and <c>Retry-After</c>. The page, static files and <c>/healthz</c> are
/// not counted; WebSocket and the event stream also meet the long-lived connection limits (<see cref="LongLivedConnections"/>).
/// </summary>
/// <remarks>
/// The buckets are the core's <see cref="TokenBucket"/> on the server's <see cref="TimeProvider"/> behind a small
/// <see cref="RateLimiter"/>: System.Threading.RateLimiting's own token bucket reads Stopwatch and cannot take a
/// TimeProvider (see <see cref="FloodControl"/>). The partitioned limiter drops a partition whose bucket has refilled.
/// </remarks>
public static class HttpRequestLimiter
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<HttpLimitOptions, TimeProvider>((options, limits, time) =>
        {
            options.GlobalLimiter = Create(limits, time);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => new ValueTask(RefuseAsync(rejected.HttpContext, rejected.Lease));
        });
    }

    /// <summary>Adds the middleware: after the page's static files, before the API.</summary>
    public static void Use(IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>The limiter: per token (or tokenless address), chained with the per-address ceiling.</summary>
    public static PartitionedRateLimiter<HttpContext> Create(HttpLimitOptions limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        var perCaller = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            !Counted(context) || limits.RequestRate <= 0
                ? RateLimitPartition.GetNoLimiter("none")
                : RateLimitPartition.Get(CallerKey(context), _ => new ClockTokenBucketLimiter(limits.RequestRate, limits.RequestBurst, time)));
        var perAddress = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            !Counted(context) || limits.AddressRequestRate <= 0
                ? RateLimitPartition.GetNoLimiter("none")
                : RateLimitPartition.Get(AddressKey(context), _ => new ClockTokenBucketLimiter(limits.AddressRequestRate, limits.AddressRequestBurst, time)));
        return PartitionedRateLimiter.CreateChained(perCaller, perAddress);
    }

    /// <summary>Only the API counts: the page and its files are cheap, and a page load fetches dozens at once.</summary>
    private static bool Counted(HttpContext context) => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);

    /// <summary>"t:" and the token's hash (the token itself is never kept), else "a:" and the address group.</summary>
    internal static string CallerKey(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
            return "t:" + Convert.ToBase64String(hash[..16]);
        }

        return AddressKey(context);
    }

    private static string AddressKey(HttpContext context)
        => "a:" + (context.Connection.RemoteIpAddress is { } address ? AddressText.LimitGroup(address).ToString() : IPAddress.None.ToString());

    private static Task RefuseAsync(HttpContext context, RateLimitLease lease)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        HubMetrics.RateLimited(RateLimitKind.HttpRequests);
        var error = new HubError(ErrorCode.RateLimited, "too many requests; wait as Retry-After says, then send again", wait);
        return HttpErrors.Result(error).ExecuteAsync(context);
    }

    /// <summary>One <see cref="TokenBucket"/> as a <see cref="RateLimiter"/>: no queue; a refusal carries the wait.</summary>
    private sealed class ClockTokenBucketLimiter(double perSecond, int burst, TimeProvider time) : RateLimiter
    {
        private readonly TokenBucket _bucket = new(perSecond, burst, time);

        /// <summary>A refilled bucket is like a new one: long idle, so the partitioned limiter may drop it at once.</summary>
        public override TimeSpan? IdleDuration => _bucket.IsFull ? TimeSpan.FromMinutes(1) : null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            for (var i = 0; i < permitCount; i++)
            {
                if (_bucket.TryTake() is { } wait)
                {
                    return new Lease(false, wait);
                }
            }

            return new Lease(true, null);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
            => ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
