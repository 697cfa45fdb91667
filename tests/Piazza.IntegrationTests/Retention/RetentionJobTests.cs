using Microsoft.Extensions.DependencyInjection;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.Files;

namespace Piazza.IntegrationTests.Retention;

/// <summary>
/// The retention job in a real server (docs/retention.md), in real time with a short interval: the host's clock is the
/// system's, so the messages are stored ten days old and the test waits for the job's log line, never a fixed sleep.
/// </summary>
public sealed class RetentionJobTests
{
    [Fact]
    public async Task The_job_removes_old_messages_logs_each_conversation_and_reclaims_a_blob_only_they_shared()
    {
        using var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, ("Hub:Retention:Days", "1"), ("Hub:Retention:Interval", "00:00:00.300"));
        var store = server.Services.GetRequiredService<IChatStore>();
        var blobs = server.Services.GetRequiredService<BlobStore>();

        var sha = new string('a', 64);
        Directory.CreateDirectory(Path.GetDirectoryName(blobs.BlobPath(sha))!);
        await File.WriteAllTextAsync(blobs.BlobPath(sha), "old");
        await store.CreateUploadAsync(new UploadRecord("u1", "alice", 3, "old.txt", null, sha, DateTimeOffset.UtcNow));
        await store.CompleteUploadAsync("u1", new FileRecord("f1", "alice", "old.txt", 3, "text/plain", sha, DateTimeOffset.UtcNow));

        // A room nobody has loaded, so its messages can be written with old times straight into the store.
        var old = DateTimeOffset.UtcNow.AddDays(-10);
        Assert.True(await store.TryCreateRoomAsync(new RoomRecord("attic", "attic", null, null, old)));
        await store.AppendAsync([
            new StoredMessage("attic", 1, "m1", "alice", "alice", null, "dusty", old, null) { File = new FileAttachment("f1", "old.txt", 3, "text/plain", sha) },
            new StoredMessage("attic", 2, "m2", "alice", "alice", null, "dustier", old, null),
            new StoredMessage("attic", 3, "m3", "alice", "alice", null, "fresh", DateTimeOffset.UtcNow, null),
        ]);

        var line = await log.WaitForAsync(l => l.Contains("Retention removed", StringComparison.Ordinal) && l.Contains("attic", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.Contains("removed 2 messages of attic", line, StringComparison.Ordinal);
        Assert.Contains("begins at seq 3", line, StringComparison.Ordinal);
        Assert.Contains("reclaimed 1 files", line, StringComparison.Ordinal);
        await log.WaitForAsync(l => l.Contains("Retention run: removed", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.False(File.Exists(blobs.BlobPath(sha)));
        Assert.Null(await store.FindFileAsync("f1"));
        Assert.Equal([3L], (await store.ReadAfterAsync("attic", 0, 10)).Select(m => m.Seq));
    }
}
