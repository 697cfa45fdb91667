using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>
/// Store-assigned seqs (<see cref="ISequencingStore"/>), the contract every store passes so several nodes can share
/// it: two store instances on the same storage (as two nodes on one database) append concurrently and still get
/// 1, 2, 3, … per conversation; a client id is stored once whichever instance it reaches; a failed batch takes no seq.
/// </summary>
public abstract class SequencingStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private int _nextId;

    /// <summary>The first "node".</summary>
    protected IChatStore A { get; private set; } = null!;

    /// <summary>The second "node": another store instance on the same storage.</summary>
    protected IChatStore B { get; private set; } = null!;

    /// <summary>Makes this test's storage, empty.</summary>
    protected abstract Task CreateStorageAsync();

    /// <summary>Removes this test's storage (every store on it is disposed).</summary>
    protected abstract Task DeleteStorageAsync();

    /// <summary>A new, not yet initialised store instance on this test's storage.</summary>
    protected abstract IChatStore OpenStore();

    public async Task InitializeAsync()
    {
        await CreateStorageAsync();
        A = OpenStore();
        B = OpenStore();
        await Task.WhenAll(A.InitializeAsync(), B.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await DeleteStorageAsync();
    }

    private StoredMessage Message(string conversation, string? clientId = null, string account = "alice", string text = "hi")
    {
        var id = Interlocked.Increment(ref _nextId);
        return new StoredMessage(conversation, 0, $"m{id}", account, account, null, text, T0.AddSeconds(id), clientId);
    }

    private static async Task<long[]> StoredSeqsAsync(IChatStore store, string conversation) =>
        [.. (await store.ReadAfterAsync(conversation, 0, int.MaxValue)).Select(m => m.Seq)];

    private static long[] OneTo(long n) => [.. Enumerable.Range(1, (int)n).Select(i => (long)i)];

    [Fact]
    public async Task Seqs_follow_list_order_within_a_batch_and_continue_across_batches_and_stores()
    {
        var first = await A.AppendAssigningAsync([Message("lobby"), Message("dev"), Message("lobby"), Message("@alice,bob")]);
        Assert.Equal([1L, 1L, 2L, 1L], first.Select(r => r.Message.Seq));
        Assert.All(first, r => Assert.False(r.Duplicate));

        var second = await B.AppendAssigningAsync([Message("dev"), Message("lobby")]);
        Assert.Equal([2L, 3L], second.Select(r => r.Message.Seq));
        Assert.Equal(OneTo(3), await StoredSeqsAsync(A, "lobby"));
        Assert.Equal(first[2].Message, (await B.ReadAfterAsync("lobby", 1, 1)).Single());
        Assert.Equal(["@alice,bob"], await B.ConversationsOfAsync("bob", 10));
    }

    [Fact]
    public async Task Concurrent_appenders_on_two_stores_get_gap_free_seqs_in_every_conversation()
    {
        string[] conversations = ["lobby", "dev", "@alice,bob"];
        const int AppendersPerStore = 4;
        const int BatchesPerAppender = 20;
        var appenders = new[] { A, B }.SelectMany(store => Enumerable.Range(0, AppendersPerStore).Select(n => Task.Run(async () =>
        {
            var random = new Random(n);
            var appended = new List<AppendedMessage>();
            for (var b = 0; b < BatchesPerAppender; b++)
            {
                var batch = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Message(conversations[random.Next(conversations.Length)])).ToArray();
                var results = await store.AppendAssigningAsync(batch);
                Assert.Equal(batch.Select(m => m.MessageId), results.Select(r => r.Message.MessageId));
                appended.AddRange(results);
            }

            return appended;
        })));
        var all = (await Task.WhenAll(appenders)).SelectMany(x => x).ToList();

        foreach (var conversation in conversations)
        {
            var returned = all.Where(r => r.Message.Conversation == conversation).Select(r => r.Message).ToList();
            Assert.Equal(OneTo(returned.Count), returned.Select(m => m.Seq).Order());
            var stored = await B.ReadAfterAsync(conversation, 0, int.MaxValue);
            Assert.Equal(OneTo(returned.Count), stored.Select(m => m.Seq));
            Assert.Equal(returned.OrderBy(m => m.Seq), stored);
        }
    }

    [Fact]
    public async Task A_client_id_repeated_within_a_batch_is_stored_once_and_reported_as_duplicate_with_the_first_seq()
    {
        var results = await A.AppendAssigningAsync(
        [
            Message("lobby"),
            Message("lobby", clientId: "c-1", text: "first"),
            Message("lobby", clientId: "c-1", text: "resent"),
            Message("lobby", clientId: "c-1", account: "bob", text: "bob's own c-1"),
        ]);

        Assert.Equal([false, false, true, false], results.Select(r => r.Duplicate));
        Assert.Equal([1L, 2L, 2L, 3L], results.Select(r => r.Message.Seq));
        Assert.Equal("first", results[2].Message.Text);
        Assert.Equal(OneTo(3), await StoredSeqsAsync(B, "lobby"));
        Assert.Equal("first", (await B.FindByClientIdAsync("lobby", "alice", "c-1"))!.Text);
    }

    [Fact]
    public async Task A_client_id_resent_through_the_other_store_is_stored_once()
    {
        var sent = await A.AppendAssigningAsync([Message("lobby", clientId: "c-1", text: "first")]);
        var resent = await B.AppendAssigningAsync([Message("lobby", text: "other"), Message("lobby", clientId: "c-1", text: "resent")]);

        Assert.False(resent[0].Duplicate);
        Assert.Equal(2, resent[0].Message.Seq);
        Assert.True(resent[1].Duplicate);
        Assert.Equal(sent[0].Message, resent[1].Message);
        Assert.Equal(["first", "other"], (await A.ReadAfterAsync("lobby", 0, 10)).Select(m => m.Text));
    }

    [Fact]
    public async Task Concurrent_resends_of_one_client_id_through_two_stores_store_it_once()
    {
        const int ClientIds = 30;
        var races = Enumerable.Range(0, ClientIds).Select(async i =>
        {
            var clientId = $"c-{i}";
            var conversation = $"room{i % 3}";
            var both = await Task.WhenAll(
                Task.Run(() => A.AppendAssigningAsync([Message(conversation, clientId)])),
                Task.Run(() => B.AppendAssigningAsync([Message(conversation, clientId)])));
            var results = both.Select(r => Assert.Single(r)).ToArray();
            Assert.Single(results, r => !r.Duplicate);
            Assert.Equal(results[0].Message, results[1].Message);
        });
        await Task.WhenAll(races);

        for (var room = 0; room < 3; room++)
        {
            var stored = await A.ReadAfterAsync($"room{room}", 0, 100);
            Assert.Equal(OneTo(ClientIds / 3), stored.Select(m => m.Seq));
            Assert.Equal(stored.Count, stored.Select(m => m.ClientId).Distinct().Count());
        }
    }

    [Fact]
    public async Task Guests_and_messages_without_client_ids_are_never_duplicates()
    {
        var guest = new StoredMessage("lobby", 0, "g1", "guest1", null, null, "hi", T0, "c-1");
        var results = await A.AppendAssigningAsync([guest, guest with { MessageId = "g2" }, Message("lobby"), Message("lobby")]);
        Assert.All(results, r => Assert.False(r.Duplicate));
        Assert.Equal(OneTo(4), results.Select(r => r.Message.Seq));
    }

    [Fact]
    public async Task A_batch_the_store_rejects_takes_no_seq()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => A.AppendAssigningAsync([Message("lobby"), Message("@alice")]));
        Assert.Equal(0, await B.LastSeqAsync("lobby"));

        var next = await B.AppendAssigningAsync([Message("lobby")]);
        Assert.Equal(1, next[0].Message.Seq);
    }

    [Fact]
    public async Task A_closed_store_takes_no_seq()
    {
        await A.AppendAssigningAsync([Message("lobby")]);
        await A.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => A.AppendAssigningAsync([Message("lobby")]));

        var next = await B.AppendAssigningAsync([Message("lobby")]);
        Assert.Equal(2, next[0].Message.Seq);
        Assert.Equal(OneTo(2), await StoredSeqsAsync(B, "lobby"));
    }

    [Fact]
    public async Task A_cancelled_append_takes_no_seq()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => A.AppendAssigningAsync([Message("lobby")], cancelled.Token));
        Assert.Equal(1, (await B.AppendAssigningAsync([Message("lobby")]))[0].Message.Seq);
    }

    [Fact]
    public async Task Assigning_continues_after_seqs_a_caller_chose()
    {
        await A.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Message("lobby") with { Seq = i })]);
        var next = await B.AppendAssigningAsync([Message("lobby"), Message("dev")]);
        Assert.Equal([6L, 1L], next.Select(r => r.Message.Seq));
        Assert.Equal(OneTo(6), await StoredSeqsAsync(A, "lobby"));
    }

    [Fact]
    public async Task A_deleted_room_starts_again_at_seq_one()
    {
        Assert.True(await A.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, null, T0)));
        await A.AppendAssigningAsync([Message("dev"), Message("dev")]);
        await B.DeleteRoomAsync("dev");

        Assert.Equal(1, (await A.AppendAssigningAsync([Message("dev")]))[0].Message.Seq);
    }

    [Fact]
    public async Task Stores_initializing_an_empty_storage_together_all_start_on_one_schema()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await DeleteStorageAsync();
        await CreateStorageAsync();

        var stores = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));
            await stores[3].AppendAssigningAsync([Message("lobby")]);
            Assert.Equal(1, await stores[0].LastSeqAsync("lobby"));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        A = OpenStore();
        B = OpenStore();
    }
}
