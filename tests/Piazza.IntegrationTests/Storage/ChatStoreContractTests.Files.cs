using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The files part of the store contract: uploads, files shared by messages, and deletion by content.</summary>
public abstract partial class ChatStoreContractTests
{
    private static FileRecord File(string id, string sha256, string owner = "alice", long size = 10) => new(id, owner, id + ".txt", size, "text/plain", sha256, T0);

    [Fact]
    public async Task Uploads_complete_into_files_and_count_towards_their_owner()
    {
        var upload = new UploadRecord("u1", "alice", 10, "a.txt", "text/plain", new string('a', 64), T0);
        await Store.CreateUploadAsync(upload);
        await Store.CreateUploadAsync(upload with { Id = "u2", Length = 30 });
        Assert.Equal(["u1", "u2"], (await Store.UnfinishedUploadsAsync("alice")).Select(u => u.Id));
        Assert.Empty(await Store.UnfinishedUploadsAsync("bob"));

        await Store.CompleteUploadAsync("u1", File("f1", upload.Sha256));
        Assert.Equal("f1", (await Store.FindUploadAsync("u1"))!.FileId);
        Assert.Equal(["u2"], (await Store.UnfinishedUploadsAsync(null)).Select(u => u.Id));
        Assert.Equal(10, await Store.StoredBytesOfAsync("alice"));
        Assert.Equal(File("f1", upload.Sha256), await Store.FindFileAsync("f1"));

        await Store.DeleteUploadAsync("u2");
        Assert.Null(await Store.FindUploadAsync("u2"));
        await ReopenAsync();
        Assert.Equal("a.txt", (await Store.FindUploadAsync("u1"))!.Name);
    }

    [Fact]
    public async Task A_message_carrying_a_file_shares_it_and_reads_back_with_it()
    {
        var sha = new string('b', 64);
        await Store.CreateUploadAsync(new UploadRecord("u1", "alice", 10, "a.txt", null, sha, T0));
        await Store.CompleteUploadAsync("u1", File("f1", sha));
        var attachment = new FileAttachment("f1", "a.txt", 10, "text/plain", sha);
        await Store.AppendAsync([Message("dev", 1) with { File = attachment }, Message("@alice,bob", 1) with { File = attachment, Text = "" }, Message("dev", 2)]);

        Assert.Equal(["@alice,bob", "dev"], (await Store.FileSharesAsync("f1")).Order(StringComparer.Ordinal));
        var read = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Equal(attachment, read[0].File);
        Assert.Null(read[1].File);
    }

    [Fact]
    public async Task Deleting_a_message_removes_its_files_share_once_no_message_there_carries_it()
    {
        var sha = new string('d', 64);
        await Store.CreateUploadAsync(new UploadRecord("u1", "alice", 10, "a.txt", null, sha, T0));
        await Store.CompleteUploadAsync("u1", File("f1", sha));
        var attachment = File("f1", sha).ToAttachment();
        await Store.AppendAsync([Message("dev", 1) with { File = attachment }, Message("dev", 2) with { File = attachment }, Message("ops", 1) with { File = attachment }, Message("ops", 2)]);

        // Another message in dev still carries it: the share stays until that one goes too.
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));
        Assert.Equal(["dev", "ops"], (await Store.FileSharesAsync("f1")).Order(StringComparer.Ordinal));
        Assert.True(await Store.MarkDeletedAsync("dev", 2, "root"));
        Assert.Equal(["ops"], await Store.FileSharesAsync("f1"));

        // A message without a file, or one deleted already, changes no share.
        Assert.True(await Store.MarkDeletedAsync("ops", 2, "root"));
        Assert.False(await Store.MarkDeletedAsync("dev", 2, "root"));
        Assert.Equal(["ops"], await Store.FileSharesAsync("f1"));
        Assert.True(await Store.MarkDeletedAsync("ops", 1, "alice"));
        Assert.Empty(await Store.FileSharesAsync("f1"));
        Assert.NotNull(await Store.FindFileAsync("f1")); // the file itself stays, for its uploader
        await ReopenAsync();
        Assert.Empty(await Store.FileSharesAsync("f1"));
    }

    [Fact]
    public async Task Deleting_files_counts_what_still_holds_the_same_content()
    {
        var sha = new string('c', 64);
        foreach (var id in (string[])["f1", "f2"])
        {
            await Store.CreateUploadAsync(new UploadRecord("u" + id, "alice", 10, "a.txt", null, sha, T0));
            await Store.CompleteUploadAsync("u" + id, File(id, sha));
        }

        await Store.AppendAsync([Message("dev", 1) with { File = File("f1", sha).ToAttachment() }]);
        Assert.Equal(1, await Store.DeleteFileAsync("f1"));
        Assert.Empty(await Store.FileSharesAsync("f1"));
        Assert.Null(await Store.FindUploadAsync("uf1"));
        Assert.True(await Store.IsContentReferencedAsync(sha));
        Assert.Equal(0, await Store.DeleteFileAsync("f2"));
        Assert.False(await Store.IsContentReferencedAsync(sha));
        Assert.Null(await Store.DeleteFileAsync("f2"));

        // A message may still name a deleted file: its batch must not fail.
        await Store.AppendAsync([Message("dev", 2) with { File = File("f2", sha).ToAttachment() }]);
        Assert.Equal(2, await Store.LastSeqAsync("dev"));
    }

    protected static long[] Seqs(long first, long last) => [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i)];

    protected static long[] Seqs(IEnumerable<StoredMessage> messages) => [.. messages.Select(m => m.Seq)];
}
