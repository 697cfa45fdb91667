using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Files;

/// <summary>tus 1.0.0 uploads and downloads against a real server: the protocol, every limit and error status, storage.</summary>
public sealed class TusUploadTests : HttpServerTest
{
    protected override TestServerOptions Options => new() { MaxFileBytes = 60_000_000 };

    protected override TimeSpan RequestTimeout => TimeSpan.FromMinutes(5);

    private string BlobFolder => Path.Combine(Server.DataDirectory, "files", "blobs");

    private string PartialFolder => Path.Combine(Server.DataDirectory, "files", "partial");

    private int BlobCount => Directory.EnumerateFiles(BlobFolder, "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task Options_advertise_the_version_extensions_size_and_checksum()
    {
        var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,termination,checksum,expiration", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("60000000", response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256,sha512", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task A_50_MB_random_file_round_trips_with_the_same_sha256()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(50 * 1024 * 1024);
        var fileId = await alice.UploadAsync(data, "big.bin", chunk: data.Length); // one PATCH: past Kestrel's default 30 MB body cap

        var download = await alice.DownloadAsync(fileId);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(data.Length, download.Content.Headers.ContentLength);
        await using var body = await download.Content.ReadAsStreamAsync();
        Assert.Equal(TusTestClient.Sha256Hex(data), Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
        Assert.Empty(Directory.EnumerateFiles(PartialFolder));
    }

    [Fact]
    public async Task An_upload_cut_mid_body_resumes_from_the_offset_head_reports()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(3 * 1024 * 1024);
        var location = await alice.CreateOkAsync(data);
        const int Sent = 1024 * 1024;

        using var cut = new CancellationTokenSource();
        var stalled = alice.PatchAsync(location, 0, new StallingContent(data.AsMemory(0, Sent), data.Length), cancellationToken: cut.Token);
        await alice.WaitForOffsetAsync(location, Sent);
        await cut.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);

        Assert.Equal(Sent, await alice.OffsetAsync(location));
        var rest = await alice.PatchAsync(location, Sent, data.AsMemory(Sent));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var fileId = TusTestClient.FileId(rest);
        Assert.NotNull(fileId);
        Assert.Equal(data, await (await alice.DownloadAsync(fileId)).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_newer_patch_interrupts_one_still_stalled_on_the_same_upload()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(200_000);
        var location = await alice.CreateOkAsync(data);
        using var never = new CancellationTokenSource();
        var stalled = alice.PatchAsync(location, 0, new StallingContent(data.AsMemory(0, 1000), data.Length), cancellationToken: never.Token);
        await alice.WaitForOffsetAsync(location, 1000);

        var rest = await alice.PatchAsync(location, 1000, data.AsMemory(1000));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.NotNull(TusTestClient.FileId(rest));
        await never.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
    }

    [Fact]
    public async Task An_oversize_file_is_refused_with_413_at_creation()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var response = await alice.CreateAsync(60_000_001, "huge.iso", new string('a', 64));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too_large", await TusTestClient.ErrorCodeAsync(response));
        Assert.Empty(Directory.EnumerateFiles(PartialFolder));
    }

    [Fact]
    public async Task A_patch_longer_than_what_is_left_is_refused_before_its_body_is_read()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(1000);
        var location = await alice.CreateOkAsync(data);
        var response = await alice.PatchAsync(location, 0, TusTestClient.RandomBytes(1001));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await alice.OffsetAsync(location));
    }

    [Fact]
    public async Task Wrong_token_is_401_everywhere()
    {
        var mallory = new TusTestClient(Http, "not-a-token");
        var create = await mallory.CreateAsync(10, "x.txt", new string('a', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal("1.0.0", create.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, (await mallory.DownloadAsync("0123456789abcdef0123456789abcdef")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync("/api/files/0123456789abcdef0123456789abcdef")).StatusCode);
    }

    [Fact]
    public async Task An_unsupported_tus_version_is_412()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var request = alice.Request(HttpMethod.Post, "/api/uploads", tus: false);
        request.Headers.Add("Tus-Resumable", "0.2.2");
        request.Headers.Add("Upload-Length", "5");
        var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DownloadAsync("0123456789abcdef0123456789abcdef")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DownloadAsync("..%2F..%2Fpiazza.db")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(alice.Request(HttpMethod.Head, "/api/uploads/0123456789abcdef0123456789abcdef"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PatchAsync("/api/uploads/nope", 0, new byte[1])).StatusCode);
    }

    [Fact]
    public async Task Another_users_upload_does_not_exist_for_you()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        var data = TusTestClient.RandomBytes(100);
        var location = await alice.CreateOkAsync(data);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(bob.Request(HttpMethod.Head, location))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsync(location, 0, data)).StatusCode);
        Assert.Equal(0, await alice.OffsetAsync(location));
    }

    [Fact]
    public async Task A_wrong_offset_is_409_and_changes_nothing()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(1000);
        var location = await alice.CreateOkAsync(data);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, data.AsMemory(0, 400))).StatusCode);
        var wrong = await alice.PatchAsync(location, 300, data.AsMemory(300));
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Equal("offset_mismatch", await TusTestClient.ErrorCodeAsync(wrong));
        Assert.Equal(400, await alice.OffsetAsync(location));
    }

    [Fact]
    public async Task A_patch_without_the_offset_content_type_is_415()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var location = await alice.CreateOkAsync(new byte[10]);
        var request = alice.Request(HttpMethod.Patch, location);
        request.Headers.Add("Upload-Offset", "0");
        request.Content = new ByteArrayContent(new byte[10]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_chunk_checksum_mismatch_is_460_and_its_bytes_are_discarded()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(2000);
        var location = await alice.CreateOkAsync(data);
        var wrongSum = "sha256 " + Convert.ToBase64String(SHA256.HashData(new byte[5]));
        var response = await alice.PatchAsync(location, 0, data.AsMemory(0, 1000), wrongSum);
        Assert.Equal((HttpStatusCode)460, response.StatusCode);
        Assert.Equal("checksum_mismatch", await TusTestClient.ErrorCodeAsync(response));
        Assert.Equal(0, await alice.OffsetAsync(location));

        var md5 = await alice.PatchAsync(location, 0, data.AsMemory(0, 1000), "md5 " + Convert.ToBase64String(MD5.HashData(data.AsSpan(0, 1000))));
        Assert.Equal(HttpStatusCode.BadRequest, md5.StatusCode);

        var good = await alice.PatchAsync(location, 0, data, "sha256 " + Convert.ToBase64String(SHA256.HashData(data)));
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        Assert.Equal(data, await (await alice.DownloadAsync(TusTestClient.FileId(good)!)).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_whole_file_hash_mismatch_keeps_nothing()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(5000);
        var response = await alice.CreateAsync(data.Length, "liar.bin", TusTestClient.Sha256Hex(new byte[5000]));
        var location = response.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, data.AsMemory(0, 2500))).StatusCode);
        var last = await alice.PatchAsync(location, 2500, data.AsMemory(2500));
        Assert.Equal((HttpStatusCode)422, last.StatusCode);
        Assert.Equal("hash_mismatch", await TusTestClient.ErrorCodeAsync(last));
        Assert.Null(TusTestClient.FileId(last));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(alice.Request(HttpMethod.Head, location))).StatusCode);
        Assert.Equal(0, BlobCount);
        Assert.Empty(Directory.EnumerateFiles(PartialFolder));
    }

    [Fact]
    public async Task A_malformed_sha256_or_length_is_400()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.CreateAsync(10, "a.txt", "abc")).StatusCode);
        var request = alice.Request(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "-4");
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_empty_file_is_complete_at_creation()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var response = await alice.CreateAsync(0, "empty.txt", TusTestClient.Sha256Hex([]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var fileId = TusTestClient.FileId(response);
        Assert.NotNull(fileId);
        var download = await alice.DownloadAsync(fileId);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Empty(await download.Content.ReadAsByteArrayAsync());

        var head = await Http.SendAsync(alice.Request(HttpMethod.Head, response.Headers.Location!.OriginalString));
        Assert.Equal("0", head.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(fileId, TusTestClient.FileId(head));
    }

    [Fact]
    public async Task Termination_removes_the_upload_and_its_bytes()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(1000);
        var location = await alice.CreateOkAsync(data);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, data.AsMemory(0, 10))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(alice.Request(HttpMethod.Delete, location))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(alice.Request(HttpMethod.Head, location))).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(PartialFolder));
    }

    [Fact]
    public async Task Identical_content_uploaded_concurrently_is_stored_once_and_reclaimed_with_its_last_file()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => TusTestClient.RegisterAsync(Http, "user" + i)));
        var data = TusTestClient.RandomBytes(4 * 1024 * 1024);
        var ids = await Task.WhenAll(users.Select(u => u.UploadAsync(data, "same.bin", chunk: 512 * 1024)));
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(1, BlobCount);
        Assert.Equal(TusTestClient.Sha256Hex(data), Path.GetFileName(Directory.EnumerateFiles(BlobFolder, "*", SearchOption.AllDirectories).Single()));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(users[i].Request(HttpMethod.Delete, $"/api/files/{ids[i]}", tus: false))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await users[i].DownloadAsync(ids[i])).StatusCode);
        }

        Assert.Equal(1, BlobCount);
        Assert.Equal(data, await (await users[3].DownloadAsync(ids[3])).Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(users[3].Request(HttpMethod.Delete, $"/api/files/{ids[3]}", tus: false))).StatusCode);
        Assert.Equal(0, BlobCount);
    }

    [Fact]
    public async Task Range_requests_get_206_with_the_slice()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var data = TusTestClient.RandomBytes(10_000);
        var fileId = await alice.UploadAsync(data);
        var partial = await alice.DownloadAsync(fileId, new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bytes 100-199/10000", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(data[100..200], await partial.Content.ReadAsByteArrayAsync());

        var tail = await alice.DownloadAsync(fileId, new RangeHeaderValue(9_000, null));
        Assert.Equal(data[9_000..], await tail.Content.ReadAsByteArrayAsync());
        var beyond = await alice.DownloadAsync(fileId, new RangeHeaderValue(20_000, 20_010));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("evil\u0000name\u001b[2J\u202Egpj.exe", "evilname[2Jgpj.exe")]
    [InlineData("..\\..\\boot.ini", "boot.ini")]
    public async Task Hostile_names_are_sanitised_and_never_become_paths(string hostile, string expected)
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(100), hostile);
        var download = await alice.DownloadAsync(fileId);
        Assert.Equal(expected, download.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition.DispositionType);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Server.DataDirectory, "*", SearchOption.AllDirectories), p => Path.GetFileName(p) == expected);
    }

    [Fact]
    public async Task A_very_long_name_is_cut_to_200_characters_keeping_its_extension()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(10), new string('n', 3000) + ".txt");
        var name = (await alice.DownloadAsync(fileId)).Content.Headers.ContentDisposition!.FileNameStar!;
        Assert.Equal(200, name.Length);
        Assert.EndsWith("n.txt", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("photo.png", "image/png", "inline")]
    [InlineData("photo.JPG", "image/jpeg", "inline")]
    [InlineData("drawing.svg", "image/svg+xml", "attachment")]
    [InlineData("page.html", "text/html", "attachment")]
    [InlineData("notes.txt", "text/plain", "attachment")]
    public async Task Only_raster_images_are_inline_and_nothing_is_sniffed(string name, string mime, string disposition)
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var fileId = await alice.UploadAsync("<script>alert(1)</script>"u8.ToArray(), name);
        var download = await alice.DownloadAsync(fileId);
        Assert.Equal(mime, download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(disposition, download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", download.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
