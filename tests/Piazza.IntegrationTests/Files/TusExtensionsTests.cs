using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Server.Doors.Files;
using Piazza.Server.Options;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// tus as stock tus clients expect it, over raw HTTP: discovery on any upload URL, <c>sha256</c> metadata optional
/// (computed by the server), the expiration extension (<c>Upload-Expires</c>, and expiry itself), the checksum
/// extension with sha1 as the specification requires. tus-js-client itself: <see cref="TusJsClientTests"/>.
/// </summary>
public sealed class TusExtensionsTests : HttpServerTest
{
    [Theory]
    [InlineData("/api/uploads")]
    [InlineData("/api/uploads/0123456789abcdef0123456789abcdef")]
    [InlineData("/api/uploads/not-even-an-id")]
    public async Task Options_on_the_endpoint_and_on_any_upload_url_answer_the_tus_discovery_headers_without_auth(string path)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, path));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,termination,checksum,expiration", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("104857600", response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256,sha512", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task Without_sha256_metadata_the_server_computes_the_hash_across_patches_and_stores_it()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(300_000);
        var created = await alice.CreateAsync(data.Length, "undeclared.bin", sha256Hex: null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, data.AsMemory(0, 100_000))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 100_000, data.AsMemory(100_000, 100_000))).StatusCode);
        var last = await alice.PatchAsync(location, 200_000, data.AsMemory(200_000));
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);

        var download = await alice.DownloadAsync(TusTestClient.FileId(last)!);
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{TusTestClient.Sha256Hex(data)}\"", download.Headers.ETag!.Tag); // the stored hash is the content's

        // An empty file without one is complete at creation, with the hash of nothing.
        var empty = await alice.CreateAsync(0, "empty.txt", sha256Hex: null);
        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        var emptyDownload = await alice.DownloadAsync(TusTestClient.FileId(empty)!);
        Assert.Equal($"\"{TusTestClient.Sha256Hex([])}\"", emptyDownload.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Upload_expires_is_sent_on_creation_head_and_patch_and_is_the_expiry_the_server_enforces()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(3000);
        var before = DateTimeOffset.UtcNow;
        var created = await alice.CreateAsync(data.Length, "a.bin", sha256Hex: null);
        var expires = Expires(created);
        Assert.InRange(expires, before.AddHours(24).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(24));

        var location = created.Headers.Location!.OriginalString;
        Assert.Equal(expires, Expires(await Http.SendAsync(alice.Request(HttpMethod.Head, location))));
        Assert.Equal(expires, Expires(await alice.PatchAsync(location, 0, data.AsMemory(0, 1000))));

        // Completed: nothing left to expire.
        var last = await alice.PatchAsync(location, 1000, data.AsMemory(1000));
        Assert.False(last.Headers.Contains(TusHeaders.UploadExpires));
        Assert.False((await Http.SendAsync(alice.Request(HttpMethod.Head, location))).Headers.Contains(TusHeaders.UploadExpires));
    }

    [Fact]
    public async Task An_upload_is_found_until_its_upload_expires_and_answers_404_after_it()
    {
        // The service under the endpoints, on a fake clock (what the endpoint answers for null is 404 not_found).
        var folder = Directory.CreateTempSubdirectory("piazza-expiry-").FullName;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var options = new FilesOptions { UploadsPerMinute = 0, UploadExpiry = TimeSpan.FromHours(2) };
        await using var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(folder, "piazza.db") });
        await store.InitializeAsync();
        using var uploads = new UploadService(store, new BlobStore(Path.Combine(folder, "files")), options, clock, NullLogger<UploadService>.Instance);
        try
        {
            var created = await uploads.CreateAsync("alice", 10, new Dictionary<string, string>(), CancellationToken.None);
            Assert.Equal(clock.GetUtcNow() + options.UploadExpiry, created.ExpiresAt);

            clock.Advance(options.UploadExpiry);
            Assert.NotNull(await uploads.FindAsync("alice", created.UploadId!, CancellationToken.None)); // at its Upload-Expires
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Null(await uploads.FindAsync("alice", created.UploadId!, CancellationToken.None));

            // Discarded by the sweep, and counted as expired (the meter is process-wide: at least this one).
            using (var expired = new MeasurementCount("piazza.uploads", "outcome", "expired"))
            {
                await uploads.SweepAsync(CancellationToken.None);
                Assert.True(expired.Count >= 1, "the expired upload was counted");
            }

            Assert.Null(await store.FindUploadAsync(created.UploadId!));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_sha1_checksum_is_verified_460_on_mismatch_and_an_unknown_algorithm_is_400()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(2000);
        var location = (await alice.CreateAsync(data.Length, "sum.bin", sha256Hex: null)).Headers.Location!.OriginalString;

        var wrong = await alice.PatchAsync(location, 0, data.AsMemory(0, 1000), "sha1 " + Convert.ToBase64String(SHA1.HashData(data.AsSpan(1000))));
        Assert.Equal((HttpStatusCode)460, wrong.StatusCode);
        Assert.Equal("checksum_mismatch", await TusTestClient.ErrorCodeAsync(wrong));
        Assert.Equal(0, await alice.OffsetAsync(location));

        var unknown = await alice.PatchAsync(location, 0, data.AsMemory(0, 1000), "crc32 AAAAAA==");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("sha1,sha256,sha512", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, data.AsMemory(0, 1000), "sha1 " + Convert.ToBase64String(SHA1.HashData(data.AsSpan(0, 1000))))).StatusCode);
        var last = await alice.PatchAsync(location, 1000, data.AsMemory(1000), "sha512 " + Convert.ToBase64String(SHA512.HashData(data.AsSpan(1000))));
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal(data, await (await alice.DownloadAsync(TusTestClient.FileId(last)!)).Content.ReadAsByteArrayAsync());
    }

    private static DateTimeOffset Expires(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(TusHeaders.UploadExpires, out var values), $"no Upload-Expires on {response.RequestMessage?.Method} ({response.StatusCode})");
        return DateTimeOffset.ParseExact(values.Single(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
