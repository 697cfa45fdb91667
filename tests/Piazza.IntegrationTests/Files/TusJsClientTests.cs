using System.Net;
using System.Security.Cryptography;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// tus-js-client 4.3.1 from npm, set up as its README says (an endpoint, a bearer token in <c>headers</c>, a file name in
/// the metadata) and nothing Piazza-specific: no <c>sha256</c> metadata. The upload is cut mid-body, the server
/// restarted, and a second tus-js-client resumes it by its URL.
/// </summary>
public sealed class TusJsClientTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Tus_js_client_uploads_without_sha256_through_a_cut_and_a_server_restart_and_the_file_has_its_sha256()
    {
        var data = TusTestClient.RandomBytes(16 * 1024 * 1024);
        var file = Path.Combine(Path.GetTempPath(), $"piazza-tus-js-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        var server = await TestServer.StartAsync();
        try
        {
            using var anonymous = server.CreateHttpClient();
            var alice = await TusTestClient.RegisterAsync(anonymous, "alice");

            // Two PATCHes of half the file each, aborted once the first was acknowledged.
            var first = await NodePackageScript.RunAsync("tus-upload.cjs", new
            {
                endpoint = new Uri(server.HttpBase, "/api/uploads").ToString(),
                token = alice.Token,
                file,
                chunkSize = data.Length / 2,
                abortAfterFirstChunk = true,
            }, ScriptTimeout);
            Assert.True(first.Str("event") == "aborted", first.ToJsonString());
            Assert.NotNull(first.Str("expires")); // Upload-Expires on the creation
            var path = new Uri(first.Str("url")!).AbsolutePath;

            var folder = server.DataDirectory;
            await server.StopKeepingDataAsync();
            server = await TestServer.StartInAsync(folder, new TestServerOptions());

            using var http = server.CreateHttpClient();
            var stored = await new TusTestClient(http, alice.Token).OffsetAsync(path);
            Assert.InRange(stored, 1, data.Length - 1);

            var resumed = await NodePackageScript.RunAsync("tus-upload.cjs", new
            {
                endpoint = new Uri(server.HttpBase, "/api/uploads").ToString(),
                uploadUrl = new Uri(server.HttpBase, path).ToString(),
                token = alice.Token,
                file,
            }, ScriptTimeout);
            Assert.True(resumed.Str("event") == "success", resumed.ToJsonString());
            Assert.Equal(stored, resumed["patchOffsets"]!.AsArray()[0]!.GetValue<long>()); // resumed from HEAD's offset, not 0

            var download = await new TusTestClient(http, alice.Token).DownloadAsync(resumed.Str("fileId")!);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(await download.Content.ReadAsByteArrayAsync()));
            Assert.Equal(TusTestClient.Sha256Hex(data), sha256);
            Assert.Equal($"\"{sha256}\"", download.Headers.ETag!.Tag); // the hash the server computed and stored
        }
        finally
        {
            await server.DisposeAsync();
            File.Delete(file);
        }
    }
}
