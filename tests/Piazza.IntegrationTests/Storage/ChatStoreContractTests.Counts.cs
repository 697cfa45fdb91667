using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The store's own counts, which the operator console's <c>stats</c> prints.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Count_reports_stored_messages_rooms_private_conversations_accounts_and_files()
    {
        Assert.Equal(new StoreCounts(0, 0, 0, 0, 0), await Store.CountAsync());

        await CreateAccountsAsync("alice", "bob");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("lobby", "lobby", null, null, T0)));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, "alice", T0)));
        await Store.AppendAsync([.. Range("lobby", 1, 3), .. Range("dev", 1, 2)]);
        await Store.AppendAsync([Message("@alice,bob", 1, to: "bob"), Message("@alice,bob", 2, to: "bob"), Message("@alice,carol", 1, to: "carol")]);
        var sha = new string('c', 64);
        await Store.CreateUploadAsync(new UploadRecord("u1", "alice", 10, "a.txt", null, sha, T0));
        await Store.CompleteUploadAsync("u1", File("f1", sha));

        Assert.Equal(new StoreCounts(Messages: 8, Rooms: 2, PrivateConversations: 2, Accounts: 2, Files: 1), await Store.CountAsync());

        // Counted from what is stored, so a restart changes nothing and a deleted room takes its messages along.
        await ReopenAsync();
        await Store.DeleteRoomAsync("dev");
        Assert.Equal(new StoreCounts(Messages: 6, Rooms: 1, PrivateConversations: 2, Accounts: 2, Files: 1), await Store.CountAsync());
    }
}
