using System.Collections.Concurrent;
using System.Security.Cryptography;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// The client library's file transfers against a real server: tus upload and download round trips, resuming both
/// after the connection is cut mid-transfer (a relay resets it), limits, guests, and sharing a file in a message.
/// </summary>
public sealed class FileTransferClientTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Small chunks so a few megabytes make several PATCHes; quick retries so a cut costs little time.</summary>
    private static readonly FileTransferOptions Quick = new() { ChunkSize = 1024 * 1024, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) };

    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Upload_and_download_round_trip_is_byte_identical_and_reports_progress()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        using var files = alice.CreateFileTransfer(Quick);
        var path = WriteRandomFile("report.bin", 3 * 1024 * 1024 + 123);
        var progress = new ConcurrentQueue<TransferProgress>();

        var uploaded = await files.UploadFileAsync(path, progress.Enqueue).WaitAsync(Timeout);

        Assert.Equal(("report.bin", new FileInfo(path).Length, Sha256Of(path)), (uploaded.Name, uploaded.Size, uploaded.Sha256));
        Assert.False(string.IsNullOrEmpty(uploaded.FileId));
        var done = progress.Select(p => p.Done).ToList();
        Assert.True(done.Count >= 4, $"progress was reported {done.Count} times");
        Assert.Equal(done.Order(), done);
        Assert.Equal(uploaded.Size, done[^1]);

        var saved = await files.DownloadAsync(uploaded.FileId, Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName, expectedSha256: uploaded.Sha256).WaitAsync(Timeout);
        Assert.Equal(Path.Combine(_folder, "in", "report.bin"), saved.Path);
        Assert.Equal(uploaded.Sha256, Sha256Of(saved.Path));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "in"), "*.part"));
    }

    [Fact]
    public async Task Upload_resumes_from_the_servers_offset_after_the_connection_is_cut_mid_chunk()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        await using var proxy = new CuttingProxy(server.HttpEndPoint!);
        using var files = new FileTransferClient(proxy.HttpBase, () => alice.Token, options: Quick);
        var path = WriteRandomFile("big.bin", 4 * 1024 * 1024);
        var retries = new ConcurrentQueue<string>();

        proxy.CutAfterUpstreamBytes((2 * 1024 * 1024) + (300 * 1024)); // in the third chunk
        var uploaded = await files.UploadFileAsync(path, p =>
        {
            if (p.Retrying is { } why)
            {
                retries.Enqueue(why);
            }
        }).WaitAsync(Timeout);

        Assert.Equal(1, proxy.Cuts);
        Assert.NotEmpty(retries);
        using var direct = alice.CreateFileTransfer(Quick);
        var saved = await direct.DownloadAsync(uploaded.FileId, Path.Combine(_folder, "copy.bin")).WaitAsync(Timeout);
        Assert.Equal(Sha256Of(path), Sha256Of(saved.Path));
    }

    [Fact]
    public async Task Download_continues_with_a_range_request_after_the_connection_is_cut()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        using var direct = alice.CreateFileTransfer(Quick);
        var path = WriteRandomFile("movie.bin", 5 * 1024 * 1024);
        var uploaded = await direct.UploadFileAsync(path).WaitAsync(Timeout);
        await using var proxy = new CuttingProxy(server.HttpEndPoint!);
        using var viaProxy = new FileTransferClient(proxy.HttpBase, () => alice.Token, options: Quick);
        var progress = new ConcurrentQueue<TransferProgress>();

        proxy.CutAfterDownstreamBytes(2 * 1024 * 1024);
        var saved = await viaProxy.DownloadAsync(uploaded.FileId, Path.Combine(_folder, "movie-copy.bin"), progress.Enqueue, uploaded.Sha256).WaitAsync(Timeout);

        Assert.Equal(1, proxy.Cuts);
        Assert.Contains(progress, p => p.Retrying is not null);
        // After the cut the download went on from what it had (a Range request), not from zero. How much it had is not
        // the 2 MiB the relay forwarded: bytes still in the kernel's socket buffers are lost with the reset.
        var resumedFrom = progress.SkipWhile(p => p.Retrying is null).Skip(1).First().Done;
        Assert.True(resumedFrom > 0, $"resumed from byte {resumedFrom}");
        Assert.Equal(uploaded.Sha256, Sha256Of(saved.Path));
        Assert.False(File.Exists(saved.Path + ".part"));
    }

    [Fact]
    public async Task A_shared_file_reaches_the_room_with_its_details_and_another_member_downloads_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        await using var bob = await ConnectAccountAsync(server, "bob");
        using var aliceFiles = alice.CreateFileTransfer(Quick);
        var path = WriteRandomFile("notes.txt", 20_000);
        var uploaded = await aliceFiles.UploadFileAsync(path).WaitAsync(Timeout);

        var ok = await alice.SendFileAsync(ProtocolConstants.Lobby, uploaded.FileId, "the notes").WaitAsync(Timeout);
        Assert.True(ok.Seq > 0);

        var message = (await bob.NextAsync<MessageReceived>(e => e.Message.File is not null, Timeout)).Message;
        Assert.Equal(("alice", "the notes"), (message.From, message.Text));
        Assert.Equal((uploaded.FileId, "notes.txt", 20_000L, uploaded.Sha256), (message.File!.Id, message.File.Name, message.File.Size, message.File.Sha256));
        Assert.Equal("text/plain", message.File.Mime);

        using var bobFiles = bob.CreateFileTransfer(Quick);
        var saved = await bobFiles.DownloadAsync(message.File.Id, Path.Combine(_folder, "from-alice.txt"), expectedSha256: message.File.Sha256).WaitAsync(Timeout);
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(saved.Path));
    }

    [Fact]
    public async Task A_supplied_HttpClient_carries_every_request_and_is_left_open()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        var seen = new ConcurrentQueue<(HttpMethod Method, string? Scheme)>();
        using var http = new HttpClient(new RecordingHandler(seen));

        var files = alice.CreateFileTransfer(Quick, http);
        var uploaded = await files.UploadFileAsync(WriteRandomFile("mine.bin", 2000)).WaitAsync(Timeout);
        var saved = await files.DownloadAsync(uploaded.FileId, Path.Combine(_folder, "mine-copy.bin")).WaitAsync(Timeout);
        files.Dispose();

        Assert.Equal(uploaded.Sha256, Sha256Of(saved.Path));
        var transfers = seen.ToList();
        Assert.Contains(transfers, r => r.Method == HttpMethod.Post);
        Assert.Contains(transfers, r => r.Method == HttpMethod.Get);
        Assert.All(transfers, r => Assert.Equal("Bearer", r.Scheme));

        // The caller's client was not disposed with the transfer client.
        using var stillOpen = await http.GetAsync(new Uri(server.HttpBase, "healthz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, stillOpen.StatusCode);
    }

    /// <summary>Passes requests on to the network, noting each one.</summary>
    private sealed class RecordingHandler(ConcurrentQueue<(HttpMethod, string?)> seen) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Enqueue((request.Method, request.Headers.Authorization?.Scheme));
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task An_empty_file_uploads_and_downloads()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        using var files = alice.CreateFileTransfer(Quick);
        var path = WriteRandomFile("empty.txt", 0);

        var uploaded = await files.UploadFileAsync(path).WaitAsync(Timeout);
        var saved = await files.DownloadAsync(uploaded.FileId, Path.Combine(_folder, "empty-copy.txt")).WaitAsync(Timeout);

        Assert.Equal(0, new FileInfo(saved.Path).Length);
    }

    [Fact]
    public async Task An_oversize_file_is_refused_at_creation_with_413_and_a_clear_code()
    {
        await using var server = await TestServer.StartAsync(("MaxFileBytes", "1000"));
        await using var alice = await ConnectAccountAsync(server, "alice");
        using var files = alice.CreateFileTransfer(Quick);

        var refused = await Assert.ThrowsAsync<PiazzaException>(() => files.UploadFileAsync(WriteRandomFile("big.bin", 5000)).WaitAsync(Timeout));

        Assert.Equal((PiazzaFailure.TransferFailed, 413, ErrorCode.TooLarge), (refused.Failure, refused.HttpStatus, refused.Code));
    }

    [Fact]
    public async Task A_download_whose_hash_does_not_match_is_refused_and_deleted()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectAccountAsync(server, "alice");
        using var files = alice.CreateFileTransfer(Quick);
        var uploaded = await files.UploadFileAsync(WriteRandomFile("a.bin", 1000)).WaitAsync(Timeout);
        var target = Path.Combine(_folder, "a-copy.bin");

        var refused = await Assert.ThrowsAsync<PiazzaException>(() => files.DownloadAsync(uploaded.FileId, target, expectedSha256: new string('0', 64)).WaitAsync(Timeout));

        Assert.Equal(PiazzaFailure.HashMismatch, refused.Failure);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".part"));
    }

    [Fact]
    public async Task A_guest_is_told_that_file_sharing_needs_an_account()
    {
        await using var server = await TestServer.StartAsync();
        await using var guest = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "visitor" });
        await guest.ConnectAsync();

        var refused = Assert.Throws<PiazzaException>(() => guest.CreateFileTransfer());

        Assert.Equal(PiazzaFailure.FilesUnavailable, refused.Failure);
        Assert.Contains("account", refused.Message, StringComparison.Ordinal);
        Assert.Equal(server.HttpEndPoint!.Port, guest.HttpBaseAddress!.Port);
    }

    /// <summary>Registers an account through the client library, so the client holds a session token.</summary>
    internal static async Task<PiazzaClient> ConnectAccountAsync(TestServer server, string user)
    {
        var client = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = user, Password = ProtocolSteps.Password, Register = true });
        await client.ConnectAsync();
        Assert.NotNull(client.Token);
        return client;
    }

    private string WriteRandomFile(string name, int length)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(length));
        return path;
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
