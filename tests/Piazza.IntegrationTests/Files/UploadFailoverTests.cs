using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// A node dying mid-upload: the real server executable (server A) SIGKILLed with half an upload acknowledged, then
/// server B started on the same store and the same <c>--files-dir</c>, which continues the upload from the offset A
/// acknowledged and serves the file. (Two servers at once on one SQLite data folder is not a deployment, so A and B
/// run one after the other here; <see cref="SharedFolderUploadTests"/> has two nodes writing at once.)
/// </summary>
public sealed class UploadFailoverTests
{
    [Fact]
    public async Task An_upload_half_acknowledged_by_a_killed_server_is_finished_on_another_from_the_acknowledged_offset()
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-failover-" + Guid.NewGuid().ToString("N"));
        var shared = Path.Combine(Path.GetTempPath(), "piazza-shared-files-" + Guid.NewGuid().ToString("N"));
        var content = TusTestClient.RandomBytes(2 * 1024 * 1024 + 123);
        var half = content.Length / 2;
        string token;
        string location;
        var (serverA, portA) = await ServerProcess.StartListeningAsync(data, "--files-dir", shared);
        try
        {
            var (client, welcome) = await RegisterAsync(portA, "alice");
            await using (client)
            {
                token = welcome.Str("token")!;
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
                var alice = new TusTestClient(http, token);
                location = await alice.CreateOkAsync(content, "failover.bin");
                var acknowledged = await alice.PatchAsync(location, 0, content.AsMemory(0, half));
                Assert.Equal(HttpStatusCode.NoContent, acknowledged.StatusCode);
                Assert.Equal(half.ToString(System.Globalization.CultureInfo.InvariantCulture), acknowledged.Headers.GetValues("Upload-Offset").Single());
            }

            serverA.Kill(); // SIGKILL: no shutdown code runs
            await serverA.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!serverA.HasExited)
            {
                serverA.Kill();
            }

            serverA.Dispose();
        }

        // The bytes went to the shared folder, not the data folder's own.
        Assert.False(Directory.Exists(Path.Combine(data, "files")));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(shared, "partial")), f => !f.EndsWith(".lock", StringComparison.Ordinal));

        var (serverB, portB) = await ServerProcess.StartListeningAsync(data, "--files-dir", shared);
        try
        {
            Assert.NotEqual(portA, portB);
            var (client, welcome) = await TokenLoginAsync(portB, token);
            await using (client)
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
                var alice = new TusTestClient(http, token);

                Assert.Equal(half, await alice.OffsetAsync(location));
                var rest = await alice.PatchAsync(location, half, content.AsMemory(half));
                Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
                var fileId = TusTestClient.FileId(rest)!;

                var download = await alice.DownloadAsync(fileId);
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.Equal(SHA256.HashData(content), SHA256.HashData(await download.Content.ReadAsByteArrayAsync()));

                var range = await alice.DownloadAsync(fileId, new RangeHeaderValue(half - 10, half + 9));
                Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
                Assert.Equal(content.AsSpan(half - 10, 20).ToArray(), await range.Content.ReadAsByteArrayAsync());
            }

            // Completed: the partial file and its lock file are gone, the blob is in the shared folder.
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(shared, "partial")));
            Assert.Single(Directory.EnumerateFiles(Path.Combine(shared, "blobs"), "*", SearchOption.AllDirectories));
        }
        finally
        {
            serverB.Kill();
            await serverB.WaitForExitAsync();
            serverB.Dispose();
            Directory.Delete(data, recursive: true);
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task A_files_dir_that_cannot_be_written_stops_the_start_with_one_line_naming_it()
    {
        // A regular file where the folder should be: it cannot be a folder, whoever runs the test (root included).
        var notAFolder = Path.GetTempFileName();
        try
        {
            var info = ServerProcess.Describe("--data", Path.Combine(Path.GetTempPath(), "piazza-" + Guid.NewGuid().ToString("N")), "--files-dir", notAFolder);
            using var process = System.Diagnostics.Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"piazza-server: --files-dir {notAFolder}: must be a folder this user can create or write in", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }
}
