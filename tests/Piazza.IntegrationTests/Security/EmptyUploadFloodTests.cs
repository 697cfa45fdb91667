using System.Net;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Empty uploads were counted against no limit (they complete at creation, so the unfinished-upload cap never saw
/// them, and they weigh nothing against the quota): one account made thousands of tus records in seconds. Every
/// creation now takes a token from the user's uploads-per-minute budget.
/// </summary>
public sealed class EmptyUploadFloodTests : HttpServerTest
{
    private const int PerMinute = 10;
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    protected override TestServerOptions Options => new() { Limits = TestLimits.Off with { UploadsPerMinute = PerMinute } };

    [Fact]
    public async Task A_flood_of_empty_uploads_is_refused_after_the_per_user_rate()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        for (var i = 0; i < PerMinute; i++)
        {
            var empty = await alice.CreateAsync(0, $"empty-{i}.txt", EmptySha256);
            Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
            Assert.True(empty.Headers.Contains(Piazza.Protocol.TusHeaders.FileId), "an empty upload completes at creation");
        }

        var refusals = 0;
        for (var i = 0; i < 200; i++)
        {
            var flood = await alice.CreateAsync(0, $"flood-{i}.txt", EmptySha256);
            if (flood.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusals++;
                Assert.Equal("rate_limited", await TusTestClient.ErrorCodeAsync(flood));
                Assert.True(flood.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {flood.Headers.RetryAfter}");
            }
        }

        // At 10 a minute, at most a token or two refills while the 200 requests run.
        Assert.InRange(refusals, 195, 200);

        // A real upload of the same user waits too; another user has a budget of their own.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await alice.CreateAsync(100, "real.bin", new string('a', 64))).StatusCode);
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        Assert.Equal(HttpStatusCode.Created, (await bob.CreateAsync(0, "empty.txt", EmptySha256)).StatusCode);
    }
}
