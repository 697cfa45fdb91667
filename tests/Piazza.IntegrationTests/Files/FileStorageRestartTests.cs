using System.Net;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Files;

/// <summary>What a restart does to file storage: uploads survive, leftovers nothing refers to are swept.</summary>
public sealed class FileStorageRestartTests
{
    [Fact]
    public async Task A_restart_keeps_uploads_and_files_and_sweeps_orphans()
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        var content = TusTestClient.RandomBytes(10_000);
        string token, location, fileId;
        using (var http = server.CreateHttpClient())
        {
            var alice = await TusTestClient.RegisterAsync(http, "alice");
            token = alice.Token;
            fileId = await alice.UploadAsync(TusTestClient.RandomBytes(500), "kept.bin");
            location = await alice.CreateOkAsync(content);
            Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, content.AsMemory(0, 4000))).StatusCode);
        }

        await server.StopKeepingDataAsync();

        // Leftovers of a crash: a partial file without an upload, a blob without a file.
        var orphanPartial = Path.Combine(data, "files", "partial", new string('f', 32));
        var orphanHash = new string('e', 64);
        var orphanBlob = Path.Combine(data, "files", "blobs", "ee", orphanHash);
        Directory.CreateDirectory(Path.GetDirectoryName(orphanBlob)!);
        await File.WriteAllBytesAsync(orphanPartial, new byte[10]);
        await File.WriteAllBytesAsync(orphanBlob, new byte[10]);

        await using var restarted = await TestServer.StartInAsync(data);
        using var again = restarted.CreateHttpClient();
        var client = new TusTestClient(again, token);
        Assert.False(File.Exists(orphanPartial));
        Assert.False(File.Exists(orphanBlob));
        Assert.Equal(HttpStatusCode.OK, (await client.DownloadAsync(fileId)).StatusCode);

        // The running hash was lost with the process: it is rebuilt from the stored bytes.
        Assert.Equal(4000, await client.OffsetAsync(location));
        var rest = await client.PatchAsync(location, 4000, content.AsMemory(4000));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(content, await (await client.DownloadAsync(TusTestClient.FileId(rest)!)).Content.ReadAsByteArrayAsync());
    }
}
