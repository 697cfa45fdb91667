using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Client ids are scoped per account and conversation: the same id in another conversation is another message.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Find_by_client_id_is_per_account_and_conversation_and_survives_a_restart()
    {
        await Store.AppendAsync([Message("lobby", 1, "in the lobby", clientId: "c-1"), Message("dev", 1, "in dev", clientId: "c-1")]);
        await ReopenAsync();

        Assert.Equal("in the lobby", (await Store.FindByClientIdAsync("lobby", "alice", "c-1"))!.Text);
        Assert.Equal("in dev", (await Store.FindByClientIdAsync("dev", "alice", "c-1"))!.Text);
        Assert.Null(await Store.FindByClientIdAsync("other", "alice", "c-1"));
        Assert.Null(await Store.FindByClientIdAsync("dev", "bob", "c-1"));
    }

    [Fact]
    public async Task A_store_assigning_seqs_stores_a_client_id_reused_in_another_conversation_and_reports_a_repeat_in_the_same_one()
    {
        var sequencing = (ISequencingStore)Store;
        var first = await sequencing.AppendAssigningAsync([Message("lobby", 0, "one", clientId: "c-1"), Message("dev", 0, "two", clientId: "c-1")]);
        Assert.Equal([false, false], first.Select(r => r.Duplicate));
        Assert.Equal([1L, 1L], first.Select(r => r.Message.Seq));

        // Across batches and within one: the same conversation's repeat is the earlier message, whatever it says now.
        var again = await sequencing.AppendAssigningAsync(
            [Message("dev", 0, "changed", clientId: "c-1"), Message("other", 0, "three", clientId: "c-1"), Message("other", 0, "three", clientId: "c-1")]);
        Assert.Equal([true, false, true], again.Select(r => r.Duplicate));
        Assert.Equal(("dev", 1L, "two"), (again[0].Message.Conversation, again[0].Message.Seq, again[0].Message.Text));
        Assert.Equal(("other", 1L), (again[2].Message.Conversation, again[2].Message.Seq));
        Assert.Equal(1, await Store.LastSeqAsync("dev"));
        Assert.Equal(1, await Store.LastSeqAsync("other"));
    }
}
