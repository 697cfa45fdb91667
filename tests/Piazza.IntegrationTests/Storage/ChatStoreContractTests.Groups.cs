using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Group conversations (<c>@a,b,c</c>): every participant's listing, reads, shares and counts, alike on every store.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task A_group_conversation_is_listed_for_each_of_its_participants_and_reads_back_with_its_recipients()
    {
        const string Group = "@alice,bob,carol";
        await Store.AppendAsync([Message("@alice,bob", 1, at: T0.AddMinutes(1))]);
        await Store.AppendAsync([Message(Group, 1, to: "Bob,carol", at: T0.AddMinutes(2)), Message(Group, 2, from: "carol", fromAccount: "carol", to: "alice,Bob", at: T0.AddMinutes(3))]);
        var ten = DirectConversationId.ForGroup(Enumerable.Range(0, 9).Select(i => $"u{i}").Append("alice"));
        await Store.AppendAsync([Message(ten, 1, to: "u0,u1,u2,u3,u4,u5,u6,u7,u8", at: T0.AddMinutes(4))]);

        Assert.Equal([ten, Group, "@alice,bob"], await Store.ConversationsOfAsync("alice", 10));
        Assert.Equal([Group, "@alice,bob"], await Store.ConversationsOfAsync("bob", 10));
        Assert.Equal([Group], await Store.ConversationsOfAsync("carol", 10));
        Assert.Equal([ten], await Store.ConversationsOfAsync("u8", 10));
        Assert.Empty(await Store.ConversationsOfAsync("dave", 10));

        var read = await Store.ReadAfterAsync(Group, 0, 10);
        Assert.Equal([("alice", "Bob,carol", 1L), ("carol", "alice,Bob", 2L)], read.Select(m => (m.From, m.To, m.Seq)));
        Assert.Equal(2, await Store.LastSeqAsync(Group));

        // A later message moves the group up every participant's list; it survives a restart.
        await Store.AppendAsync([Message("@alice,bob", 2, at: T0.AddMinutes(5)), Message(Group, 3, to: "Bob,carol", at: T0.AddMinutes(6))]);
        await ReopenAsync();
        Assert.Equal([Group, "@alice,bob", ten], await Store.ConversationsOfAsync("alice", 10));
        Assert.Equal([Group], await Store.ConversationsOfAsync("alice", 1));
        Assert.Equal(3, (await Store.CountAsync()).PrivateConversations);
    }

    [Fact]
    public async Task A_file_shared_in_a_group_is_shared_with_the_group()
    {
        var sha = new string('d', 64);
        await Store.CreateUploadAsync(new UploadRecord("u1", "alice", 10, "a.txt", null, sha, T0));
        await Store.CompleteUploadAsync("u1", File("f1", sha));
        await Store.AppendAsync([Message("@alice,bob,carol", 1, to: "bob,carol") with { File = File("f1", sha).ToAttachment() }]);

        Assert.Equal(["@alice,bob,carol"], await Store.FileSharesAsync("f1"));
        Assert.Equal("f1", (await Store.ReadAfterAsync("@alice,bob,carol", 0, 1)).Single().File?.Id);
    }
}
