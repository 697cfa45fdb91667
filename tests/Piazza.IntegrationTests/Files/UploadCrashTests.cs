using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Files;

/// <summary>The real server executable killed (SIGKILL) in the middle of an upload, then restarted on the same data.</summary>
public sealed class UploadCrashTests
{
    [Fact]
    public async Task A_server_killed_mid_upload_shows_nothing_partial_and_the_upload_resumes_after_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-crash-" + Guid.NewGuid().ToString("N"));
        var content = TusTestClient.RandomBytes(3 * 1024 * 1024);
        const int FirstPatch = 1024 * 1024;
        const int Stalled = 512 * 1024;
        string token;
        string location;
        var (process, port) = await ServerProcess.StartListeningAsync(data);
        try
        {
            var (client, welcome) = await RegisterAsync(port, "alice");
            await using (client)
            {
                token = welcome.Str("token")!;
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
                var alice = new TusTestClient(http, token);
                location = await alice.CreateOkAsync(content, "crash.bin");
                Assert.Equal(HttpStatusCode.NoContent, (await alice.PatchAsync(location, 0, content.AsMemory(0, FirstPatch))).StatusCode);

                // A second PATCH is mid-body when the server dies.
                using var never = new CancellationTokenSource();
                var stalled = alice.PatchAsync(location, FirstPatch, new StallingContent(content.AsMemory(FirstPatch, Stalled), content.Length - FirstPatch), cancellationToken: never.Token);
                await alice.WaitForOffsetAsync(location, FirstPatch + Stalled);

                process.Kill(); // SIGKILL: no shutdown code runs
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

                // The stalled body never notices the dead peer (it waits on its own token, up to HttpClient's 100 s
                // timeout): end it here, as the client's own cancellation.
                await never.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        // Nothing complete or visible exists: no blob, and only the partial area holds bytes.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "files", "blobs"), "*", SearchOption.AllDirectories));

        var (restarted, newPort) = await ServerProcess.StartListeningAsync(data);
        try
        {
            var (client, welcome) = await TokenLoginAsync(newPort, token);
            await using (client)
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
                var alice = new TusTestClient(http, token);

                // Everything that reached the server before it died is kept (no checksum asked for it).
                var offset = await alice.OffsetAsync(location);
                Assert.Equal(FirstPatch + Stalled, offset);
                var rest = await alice.PatchAsync(location, offset, content.AsMemory((int)offset));
                Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
                var fileId = TusTestClient.FileId(rest)!;
                Assert.Equal(content, await (await alice.DownloadAsync(fileId)).Content.ReadAsByteArrayAsync());
            }
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            restarted.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }
}
