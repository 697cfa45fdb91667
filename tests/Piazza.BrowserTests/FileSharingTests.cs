using System.Security.Cryptography;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// Sharing files from the page: attach or drop a file, watch its progress, see the message; another participant
/// downloads it (bytes checked) or sees the image inline; cancel; guests are told why they cannot.
/// </summary>
public sealed class FileSharingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-web-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AnAttachedFileShowsProgressThenTheMessageAndAnotherParticipantDownloadsTheSameBytes()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        var path = Path.Combine(_folder, "data.bin");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(6_000_000)); // two tus chunks of 4 MiB

        // Hold the second chunk until the test has seen the upload in progress.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var patches = 0;
        await alice.Page.RouteAsync("**/api/uploads/**", async route =>
        {
            if (route.Request.Method == "PATCH" && Interlocked.Increment(ref patches) == 2)
            {
                await release.Task;
            }

            await route.ContinueAsync();
        });

        await alice.Page.Locator("#file-input").SetInputFilesAsync(path);
        var upload = alice.Page.Locator("#uploads .upload");
        await Expect(upload.Locator(".upload-name")).ToHaveTextAsync("data.bin");
        await Expect(upload.Locator(".upload-size")).ToHaveTextAsync("5.7 MB");
        await Expect(upload.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeVisibleAsync();
        await Expect(upload.Locator(".upload-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(6[0-9]|[7-9][0-9])%$"), new() { Timeout = 30_000 });
        var shownProgress = await upload.Locator("progress").EvaluateAsync<double>("p => p.value");
        Assert.InRange(shownProgress, 4 * 1024 * 1024, 6_000_000);
        release.SetResult();

        await Expect(upload).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(alice.PendingMessages).ToHaveCountAsync(0);
        var aliceCard = alice.Page.Locator("#messages .msg.own .file-card");
        await Expect(aliceCard.Locator(".file-name")).ToHaveTextAsync("data.bin");
        await Expect(aliceCard.Locator(".file-size")).ToHaveTextAsync("5.7 MB");

        var bobCard = bob.Page.Locator("#messages .msg .file-card");
        await Expect(bobCard.Locator(".file-name")).ToHaveTextAsync("data.bin");
        var download = await bob.Page.RunAndWaitForDownloadAsync(() => bobCard.ClickAsync());
        Assert.Equal("data.bin", download.SuggestedFilename);
        var saved = Path.Combine(_folder, "bob-data.bin");
        await download.SaveAsAsync(saved);
        Assert.Equal(Sha256Of(path), Sha256Of(saved));
    }

    [Fact]
    public async Task ADroppedImageAppearsAsAThumbnailForBothParticipants()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        await alice.SendAcknowledgedAsync("here is the new logo draft");

        // A real PNG, drawn by the browser, dropped onto the conversation as a person would drag it from a folder.
        await alice.Page.EvaluateAsync(@"async () => {
            const canvas = Object.assign(document.createElement('canvas'), { width: 480, height: 270 });
            const g = canvas.getContext('2d');
            const sky = g.createLinearGradient(0, 0, 480, 270);
            sky.addColorStop(0, '#3553c7'); sky.addColorStop(1, '#ffb020');
            g.fillStyle = sky; g.fillRect(0, 0, 480, 270);
            g.fillStyle = '#fff'; g.font = 'bold 64px sans-serif'; g.fillText('Piazza', 130, 150);
            const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
            const transfer = new DataTransfer();
            transfer.items.add(new File([blob], 'logo draft.png', { type: 'image/png' }));
            const target = document.getElementById('conversation');
            target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }");

        foreach (var page in new[] { alice.Page, bob.Page })
        {
            var image = page.Locator("#messages .msg .file-thumb img");
            await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"), new() { Timeout = 30_000 });
            await Expect(image).ToHaveAttributeAsync("alt", "logo draft.png");
            await page.WaitForFunctionAsync("() => document.querySelector('#messages .file-thumb img').naturalWidth === 480");
            await Expect(page.Locator("#messages .msg .file-card .file-name")).ToHaveTextAsync("logo draft.png");
            var box = await image.BoundingBoxAsync();
            Assert.True(box!.Width <= 320, $"the thumbnail is {box.Width} px wide");
        }

        await Expect(alice.Page.Locator("#conversation")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("drop-target"));
        await SaveScreenshotAsync(bob.Page, "web-file.png");
    }

    [Fact]
    public async Task AnUploadWhoseConnectionIsResetMidwayAsksTheServerWhereItGotAndCompletes()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var bob = await chromium.OpenAsync(server);
        await bob.RegisterAsync("bob");
        var path = Path.Combine(_folder, "archive.bin");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(9_000_000)); // three chunks
        var methods = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var cut = 0;
        await alice.Page.RouteAsync(new System.Text.RegularExpressions.Regex("/api/uploads"), async route =>
        {
            methods.Enqueue(route.Request.Method);
            if (route.Request.Method == "PATCH" && route.Request.Headers["upload-offset"] != "0" && Interlocked.Exchange(ref cut, 1) == 0)
            {
                await route.AbortAsync("connectionreset"); // the second chunk's connection breaks
                return;
            }

            await route.ContinueAsync();
        });

        await alice.Page.Locator("#file-input").SetInputFilesAsync(path);

        var bobCard = bob.Page.Locator("#messages .msg .file-card");
        await Expect(bobCard.Locator(".file-name")).ToHaveTextAsync("archive.bin", new() { Timeout = 30_000 });
        Assert.Equal(1, cut);
        Assert.Contains("HEAD", methods); // resumed from the server's offset, not from the start
        Assert.Single(methods, m => m == "POST");
        var download = await bob.Page.RunAndWaitForDownloadAsync(() => bobCard.ClickAsync());
        var saved = Path.Combine(_folder, "bob-archive.bin");
        await download.SaveAsAsync(saved);
        Assert.Equal(Sha256Of(path), Sha256Of(saved));
    }

    [Fact]
    public async Task CancellingAnUploadRemovesItTerminatesItOnTheServerAndSendsNothing()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await chromium.OpenAsync(server);
        await alice.RegisterAsync("alice");
        var path = Path.Combine(_folder, "big.bin");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(6_000_000));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await alice.Page.RouteAsync("**/api/uploads/**", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                held.TrySetResult();
                return; // never answered: the upload stays in progress until cancelled
            }

            await route.ContinueAsync();
        });

        await alice.Page.Locator("#file-input").SetInputFilesAsync(path);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var terminated = alice.Page.WaitForRequestAsync(r => r.Method == "DELETE" && r.Url.Contains("/api/uploads/", StringComparison.Ordinal));
        await alice.Page.Locator("#uploads .upload").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await terminated;
        await Expect(alice.Page.Locator("#uploads .upload")).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#messages .sys")).ToContainTextAsync(["Upload of big.bin cancelled."]);
        await Expect(alice.PendingMessages).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#messages .msg")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AGuestIsToldThatSharingFilesNeedsAnAccount()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var guest = await chromium.OpenAsync(server);
        await guest.Page.GetByLabel("User name").FillAsync("visitor");
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Continue as guest" }).ClickAsync();
        await guest.ExpectConnectedAsync();
        var path = Path.Combine(_folder, "x.txt");
        await File.WriteAllTextAsync(path, "x");

        await guest.Page.Locator("#file-input").SetInputFilesAsync(path);

        await Expect(guest.Page.Locator("#messages .sys")).ToContainTextAsync(["Guests cannot share files: log in or register an account."]);
        await Expect(guest.Page.Locator("#uploads .upload")).ToHaveCountAsync(0);
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync();
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("PIAZZA_SCREENSHOTS") == "1")
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Piazza.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            await File.WriteAllBytesAsync(Path.Combine(root.FullName, "docs", name), bytes);
        }
    }
}
