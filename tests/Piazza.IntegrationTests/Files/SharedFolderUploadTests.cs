using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Server.Doors.Files;
using Piazza.Server.Options;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// Two nodes writing at once: two <see cref="UploadService"/>s, each with its own <see cref="BlobStore"/> on one files
/// folder, over one store (what PostgreSQL is to a cluster). They share nothing in memory, so only the folder's lock
/// files keep them from writing one upload together. In one process, because two servers cannot share one SQLite
/// data folder at once; the locks are per open file (flock), so two in one process exclude each other as two hosts do.
/// </summary>
public sealed class SharedFolderUploadTests : IAsyncLifetime
{
    private const string Owner = "alice";
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-shared-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly FilesOptions _options = new() { UploadsPerMinute = 0 };
    private SqliteChatStore _store = null!;
    private UploadService _nodeOne = null!;
    private UploadService _nodeTwo = null!;

    private string FilesFolder => Path.Combine(_folder, "files");

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "piazza.db") });
        await _store.InitializeAsync();
        _nodeOne = Node();
        _nodeTwo = Node();
    }

    public async Task DisposeAsync()
    {
        _nodeOne.Dispose();
        _nodeTwo.Dispose();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_patch_on_a_second_node_while_the_first_writes_the_upload_is_refused_as_busy_and_changes_nothing()
    {
        var content = TusTestClient.RandomBytes(512 * 1024);
        var upload = await CreateAsync(content);
        var stalled = Unbounded();
        await stalled.Writer.WriteAsync(content.AsMemory(0, 100_000));
        var writing = _nodeOne.AppendAsync(upload, 0, null, null, stalled.Reader, CancellationToken.None);
        await WaitForOffsetAsync(_nodeTwo, upload, 100_000);

        // Node two: HEAD works; a PATCH (at the offset HEAD gave, or any other) and a termination are refused.
        var busy = await _nodeTwo.AppendAsync(upload, 100_000, 1000, null, Body(content.AsMemory(100_000, 1000)), CancellationToken.None);
        Assert.Equal((423, ErrorCode.UploadBusy), (busy.Status, busy.Error));
        Assert.Equal(ErrorCode.UploadBusy, (await _nodeTwo.AppendAsync(upload, 0, 1000, null, Body(content.AsMemory(0, 1000)), CancellationToken.None)).Error);
        Assert.Equal(ErrorCode.UploadBusy, (await _nodeTwo.TerminateAsync(upload, CancellationToken.None)).Error);
        Assert.NotNull(await _store.FindUploadAsync(upload.Id));

        // Node one finishes its request; then node two continues from where it ended and completes the file.
        await stalled.Writer.WriteAsync(content.AsMemory(100_000, 200_000));
        await stalled.Writer.CompleteAsync();
        var first = await writing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((204, 300_000L), (first.Status, first.Offset));
        Assert.Equal(300_000, await _nodeTwo.OffsetOfAsync(upload, CancellationToken.None));
        var last = await _nodeTwo.AppendAsync(upload, 300_000, content.Length - 300_000, null, Body(content.AsMemory(300_000)), CancellationToken.None);
        Assert.Equal(204, last.Status);
        Assert.NotNull(last.FileId);
        Assert.Equal(content, await File.ReadAllBytesAsync(new BlobStore(FilesFolder).BlobPath(upload.Sha256)));
    }

    [Fact]
    public async Task Two_nodes_racing_to_append_one_upload_chunk_by_chunk_store_exactly_its_bytes()
    {
        var content = TusTestClient.RandomBytes(1024 * 1024 + 77);
        var upload = await CreateAsync(content);
        var answers = await Task.WhenAll(Task.Run(() => PushAsync(_nodeOne, upload, content)), Task.Run(() => PushAsync(_nodeTwo, upload, content)));

        var outcomes = answers.SelectMany(a => a).ToList();
        Assert.All(outcomes, o => Assert.True(o.Status == 204 || o.Error is ErrorCode.UploadBusy or ErrorCode.OffsetMismatch, $"{o.Status} {o.Error}: {o.Message}"));
        var completed = await _store.FindUploadAsync(upload.Id);
        Assert.NotNull(completed?.FileId);
        Assert.Equal(content, await File.ReadAllBytesAsync(new BlobStore(FilesFolder).BlobPath(upload.Sha256)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(FilesFolder, "partial")));
    }

    [Fact]
    public async Task Expiry_on_another_node_spares_an_upload_being_written_and_removes_it_once_abandoned()
    {
        var content = TusTestClient.RandomBytes(300_000);
        var upload = await CreateAsync(content);
        var stalled = Unbounded();
        await stalled.Writer.WriteAsync(content.AsMemory(0, 50_000));
        var writing = _nodeOne.AppendAsync(upload, 0, null, null, stalled.Reader, CancellationToken.None);
        await WaitForOffsetAsync(_nodeTwo, upload, 50_000);

        _clock.Advance(_options.UploadExpiry + TimeSpan.FromMinutes(1));
        await _nodeTwo.SweepAsync(CancellationToken.None);
        Assert.NotNull(await _store.FindUploadAsync(upload.Id));
        Assert.True(File.Exists(Path.Combine(FilesFolder, "partial", upload.Id)));

        await stalled.Writer.CompleteAsync();
        Assert.Equal(204, (await writing.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        await _nodeTwo.SweepAsync(CancellationToken.None);
        Assert.Null(await _store.FindUploadAsync(upload.Id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(FilesFolder, "partial")));
    }

    private UploadService Node() => new(_store, new BlobStore(FilesFolder), _options, _clock, NullLogger<UploadService>.Instance);

    private async Task<UploadRecord> CreateAsync(byte[] content)
    {
        var metadata = new Dictionary<string, string> { ["sha256"] = TusTestClient.Sha256Hex(content), ["filename"] = "shared.bin" };
        var created = await _nodeOne.CreateAsync(Owner, content.Length, metadata, CancellationToken.None);
        Assert.Equal(201, created.Status);
        return (await _nodeOne.FindAsync(Owner, created.UploadId!, CancellationToken.None))!;
    }

    /// <summary>A request body the test feeds as it likes (no back-pressure, so a write never waits for the reader).</summary>
    private static Pipe Unbounded() => new(new PipeOptions(pauseWriterThreshold: 0));

    private static PipeReader Body(ReadOnlyMemory<byte> bytes) => PipeReader.Create(new ReadOnlySequence<byte>(bytes));

    /// <summary>A client of one node: HEAD, then a 16 KiB PATCH from there, until the upload is complete; answers every PATCH outcome.</summary>
    private static async Task<List<UploadOutcome>> PushAsync(UploadService node, UploadRecord upload, byte[] content)
    {
        var outcomes = new List<UploadOutcome>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await node.FindAsync(Owner, upload.Id, deadline.Token) is { FileId: null } current)
        {
            var offset = (int)(await node.OffsetOfAsync(current, deadline.Token))!.Value;
            var length = Math.Min(16 * 1024, content.Length - offset);
            outcomes.Add(await node.AppendAsync(current, offset, length, new UploadChecksum(HashAlgorithmName.SHA256, SHA256.HashData(content.AsSpan(offset, length))), Body(content.AsMemory(offset, length)), deadline.Token));
        }

        return outcomes;
    }

    /// <summary>Polls HEAD on a node (what a client sees) until the upload's stored offset is <paramref name="expected"/>.</summary>
    private static async Task WaitForOffsetAsync(UploadService node, UploadRecord upload, long expected)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await node.OffsetOfAsync(upload, deadline.Token) != expected)
        {
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }
}
