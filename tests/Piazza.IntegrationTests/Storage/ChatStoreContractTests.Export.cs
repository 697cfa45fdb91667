using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The export part of the store contract: one account's messages and files, paged.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Messages_of_a_sender_come_from_every_conversation_in_pages_and_only_theirs()
    {
        await Store.AppendAsync([
            Message("dev", 1, "a1"),
            Message("dev", 2, "b1", from: "bob", fromAccount: "bob"),
            Message("dev", 3, "a2"),
            Message("@alice,bob", 1, "a3"),
            Message("@bob,carol", 1, "secret", from: "bob", fromAccount: "bob"),
            Message("ops", 1, "a4"),
            Message("ops", 2, "guest", from: "alice-7f3", fromAccount: null),
            Message("ops", 3, "a5"),
        ]);
        Assert.True(await Store.MarkDeletedAsync("ops", 3, "alice"));

        var read = new List<StoredMessage>();
        MessagePosition? after = null;
        for (var page = 0; page < 10; page++)
        {
            var rows = await Store.MessagesOfSenderAsync("alice", after, 2);
            Assert.True(rows.Count <= 2);
            if (rows.Count == 0)
            {
                break;
            }

            read.AddRange(rows);
            after = new MessagePosition(rows[^1].Conversation, rows[^1].Seq);
        }

        // Ordinal order of conversation keys, then seq; each message once; a deleted one is there, marked.
        Assert.Equal(["@alice,bob/1", "dev/1", "dev/3", "ops/1", "ops/3"], read.Select(m => $"{m.Conversation}/{m.Seq}"));
        Assert.All(read, m => Assert.Equal("alice", m.FromAccount));
        Assert.Equal("alice", read[^1].DeletedBy);
        Assert.Empty(await Store.MessagesOfSenderAsync("carol", null, 10));
    }

    [Fact]
    public async Task Files_of_an_owner_come_in_pages_by_id()
    {
        foreach (var (id, owner) in new[] { ("f3", "alice"), ("f1", "alice"), ("f2", "bob"), ("f4", "alice") })
        {
            var sha = new string(id[1], 64);
            await Store.CreateUploadAsync(new UploadRecord("u" + id, owner, 10, id + ".txt", null, sha, T0));
            await Store.CompleteUploadAsync("u" + id, File(id, sha, owner));
        }

        var first = await Store.FilesOfOwnerAsync("alice", null, 2);
        Assert.Equal(["f1", "f3"], first.Select(f => f.Id));
        Assert.Equal(File("f1", new string('1', 64)), first[0]);
        Assert.Equal(["f4"], (await Store.FilesOfOwnerAsync("alice", "f3", 2)).Select(f => f.Id));
        Assert.Empty(await Store.FilesOfOwnerAsync("alice", "f4", 2));
        Assert.Equal(["f2"], (await Store.FilesOfOwnerAsync("bob", null, 10)).Select(f => f.Id));
    }
}
