using System.Net;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Files;

/// <summary>The per-user quota and the cap on unfinished uploads, on a server with small limits.</summary>
public sealed class UploadLimitTests : HttpServerTest
{
    protected override TestServerOptions Options => new() { MaxFileBytes = 10_000, UserQuotaBytes = 25_000, MaxConcurrentUploads = 2 };

    [Fact]
    public async Task Stored_files_and_unfinished_uploads_count_against_the_quota()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        await alice.UploadAsync(TusTestClient.RandomBytes(10_000));
        await alice.UploadAsync(TusTestClient.RandomBytes(10_000));
        var pending = await alice.CreateAsync(4_000, "pending.bin", new string('a', 64));
        Assert.Equal(HttpStatusCode.Created, pending.StatusCode);

        var over = await alice.CreateAsync(1_001, "over.bin", new string('b', 64));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("quota_exceeded", await TusTestClient.ErrorCodeAsync(over));
        Assert.Equal(HttpStatusCode.Created, (await alice.CreateAsync(1_000, "fits.bin", new string('c', 64))).StatusCode);

        // Another user has a quota of their own.
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        Assert.Equal(HttpStatusCode.Created, (await bob.CreateAsync(10_000, "b.bin", new string('d', 64))).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_file_gives_its_quota_back()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var first = await alice.UploadAsync(TusTestClient.RandomBytes(10_000));
        await alice.UploadAsync(TusTestClient.RandomBytes(10_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await alice.CreateAsync(10_000, "x", new string('a', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(alice.Request(HttpMethod.Delete, $"/api/files/{first}", tus: false))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await alice.CreateAsync(10_000, "x", new string('a', 64))).StatusCode);
    }

    [Fact]
    public async Task Too_many_unfinished_uploads_is_429_until_one_ends()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(100);
        var first = await alice.CreateOkAsync(data);
        await alice.CreateOkAsync(data);
        var third = await alice.CreateAsync(100, "third.bin", TusTestClient.Sha256Hex(data));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("too_many_uploads", await TusTestClient.ErrorCodeAsync(third));

        // Finishing one frees its slot.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(first, 0, data)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await alice.CreateAsync(100, "third.bin", TusTestClient.Sha256Hex(data))).StatusCode);
    }

    [Fact]
    public async Task Parallel_creations_cannot_overrun_the_cap()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => alice.CreateAsync(100, "p.bin", new string('a', 64))));
        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(6, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }
}
