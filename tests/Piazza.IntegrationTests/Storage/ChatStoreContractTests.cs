using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>
/// The behaviour every <see cref="IChatStore"/> must have. A backend derives from this and supplies fresh, empty
/// storage per test (xunit creates one instance per test).
/// </summary>
public abstract partial class ChatStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected IChatStore Store { get; set; } = null!;

    /// <summary>A new, not yet initialised store on this test's storage; every call reaches the same data.</summary>
    protected abstract IChatStore OpenStore();

    public virtual async Task InitializeAsync()
    {
        Store = OpenStore();
        await Store.InitializeAsync();
    }

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    /// <summary>Closes the store and opens a new one on the same storage, as after a restart.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = OpenStore();
        await Store.InitializeAsync();
    }

    protected static StoredMessage Message(
        string conversation,
        long seq,
        string text = "hi",
        string from = "alice",
        string? fromAccount = "alice",
        string? to = null,
        string? clientId = null,
        DateTimeOffset? at = null) =>
        new(conversation, seq, $"m-{conversation}-{seq}", from, fromAccount, to, text, at ?? T0.AddSeconds(seq), clientId);

    protected static StoredMessage[] Range(string conversation, long first, long count) =>
        [.. Enumerable.Range(0, (int)count).Select(i => Message(conversation, first + i, $"text {first + i}"))];

    private static AccountRecord Account(string key) => new(key, key.ToUpperInvariant(), $"hash-{key}", T0);

    private async Task CreateAccountsAsync(params string[] keys)
    {
        foreach (var key in keys)
        {
            Assert.True(await Store.TryCreateAccountAsync(Account(key)));
        }
    }

    [Fact]
    public async Task Initialize_twice_is_harmless()
    {
        await Store.InitializeAsync();
        await CreateAccountsAsync("alice");
        await Store.InitializeAsync();
        Assert.NotNull(await Store.FindAccountAsync("alice"));
    }

    [Fact]
    public async Task Reopening_keeps_the_data()
    {
        await CreateAccountsAsync("alice");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("lobby", "Lobby", "hello", null, T0)));
        await Store.AddMemberAsync("lobby", "alice");
        await Store.AppendAsync(Range("lobby", 1, 3));

        await ReopenAsync();

        Assert.NotNull(await Store.FindAccountAsync("alice"));
        Assert.Equal("hello", (await Store.FindRoomAsync("lobby"))!.Topic);
        Assert.Equal(["lobby"], await Store.RoomsOfAsync("alice"));
        Assert.Equal(3, await Store.LastSeqAsync("lobby"));
    }

    [Fact]
    public async Task Accounts_create_find_duplicate_and_update()
    {
        Assert.Null(await Store.FindAccountAsync("alice"));
        var created = new AccountRecord("alice", "Alice", "hash1", new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)));
        Assert.True(await Store.TryCreateAccountAsync(created));
        Assert.False(await Store.TryCreateAccountAsync(created with { Name = "ALICE", PasswordHash = "other" }));

        var found = await Store.FindAccountAsync("alice");
        Assert.Equal(("alice", "Alice", "hash1"), (found!.Key, found.Name, found.PasswordHash));
        Assert.Equal(created.CreatedAt, found.CreatedAt);
        Assert.Equal(TimeSpan.Zero, found.CreatedAt.Offset);

        await Store.UpdatePasswordAsync("alice", "hash2");
        Assert.Equal("hash2", (await Store.FindAccountAsync("alice"))!.PasswordHash);
        Assert.Null(await Store.FindAccountAsync("Alice"));
    }

    [Fact]
    public async Task Tokens_are_valid_until_they_expire_or_are_revoked()
    {
        await CreateAccountsAsync("alice", "bob");
        byte[] a1 = [1, 1, 1], a2 = [2, 2, 2], b1 = [3, 3, 3];
        await Store.AddTokenAsync(a1, "alice", T0.AddHours(1));
        await Store.AddTokenAsync(a2, "alice", T0.AddHours(1));
        await Store.AddTokenAsync(b1, "bob", T0.AddHours(1));

        Assert.Equal("alice", await Store.FindTokenAccountAsync(a1, T0));
        Assert.Equal("alice", await Store.FindTokenAccountAsync(a1, T0.AddHours(1).AddMilliseconds(-1)));
        Assert.Null(await Store.FindTokenAccountAsync(a1, T0.AddHours(1)));
        Assert.Null(await Store.FindTokenAccountAsync([9, 9, 9], T0));

        await Store.RevokeTokenAsync(a1);
        Assert.Null(await Store.FindTokenAccountAsync(a1, T0));
        Assert.Equal("alice", await Store.FindTokenAccountAsync(a2, T0));

        await Store.RevokeAllTokensAsync("alice");
        Assert.Null(await Store.FindTokenAccountAsync(a2, T0));
        Assert.Equal("bob", await Store.FindTokenAccountAsync(b1, T0));
    }

    [Fact]
    public async Task Look_alike_names_are_found_by_skeleton_except_the_name_itself()
    {
        Assert.True(await Store.TryCreateAccountAsync(new AccountRecord("paypal", "PayPal", "h", T0)));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("général", "Général", null, null, T0)));

        Assert.Equal("PayPal", await Store.FindConfusableAccountAsync(NameSkeleton.Of("pаypal"), "pаypal")); // Cyrillic а
        Assert.Equal("PayPal", await Store.FindConfusableAccountAsync(NameSkeleton.Of("PAYPA1"), "paypa1"));
        Assert.Null(await Store.FindConfusableAccountAsync(NameSkeleton.Of("PAYPAL"), "paypal")); // itself
        Assert.Null(await Store.FindConfusableAccountAsync(NameSkeleton.Of("paypals"), "paypals"));

        Assert.Equal("Général", await Store.FindConfusableRoomAsync(NameSkeleton.Of("GÉNÉRA1"), "généra1"));
        Assert.Null(await Store.FindConfusableRoomAsync(NameSkeleton.Of("général"), "général"));
        Assert.Null(await Store.FindConfusableRoomAsync(NameSkeleton.Of("general"), "general")); // no diacritics: distinct
    }

    [Fact]
    public async Task Rooms_create_duplicate_topic_and_list_with_member_counts()
    {
        await CreateAccountsAsync("alice", "bob");
        Assert.Null(await Store.FindRoomAsync("lobby"));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("lobby", "Lobby", null, null, T0)));
        Assert.False(await Store.TryCreateRoomAsync(new RoomRecord("lobby", "LOBBY", "x", "alice", T0)));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "Dev", "code", "alice", T0.AddMilliseconds(1))));

        var dev = await Store.FindRoomAsync("dev");
        Assert.Equal(new RoomRecord("dev", "Dev", "code", "alice", T0.AddMilliseconds(1)), dev);

        await Store.SetTopicAsync("lobby", "welcome 👋");
        Assert.Equal("welcome 👋", (await Store.FindRoomAsync("lobby"))!.Topic);
        await Store.SetTopicAsync("dev", null);
        Assert.Null((await Store.FindRoomAsync("dev"))!.Topic);

        await Store.AddMemberAsync("lobby", "alice");
        await Store.AddMemberAsync("lobby", "bob");
        await Store.AddMemberAsync("dev", "bob");

        var rooms = await Store.ListRoomsAsync(null, 1000);
        Assert.Equal([("dev", 1), ("lobby", 2)], rooms.Select(r => (r.Room.Key, r.Members)));
        Assert.Equal("Lobby", rooms[1].Room.Name);
    }

    [Fact]
    public async Task Memberships_add_twice_remove_and_list()
    {
        await CreateAccountsAsync("alice");
        foreach (var key in new[] { "zeta", "alpha", "mid" })
        {
            await Store.TryCreateRoomAsync(new RoomRecord(key, key, null, null, T0));
        }

        Assert.Empty(await Store.RoomsOfAsync("alice"));
        await Store.AddMemberAsync("zeta", "alice");
        await Store.AddMemberAsync("alpha", "alice");
        await Store.AddMemberAsync("alpha", "alice");
        await Store.AddMemberAsync("mid", "alice");
        Assert.Equal(["alpha", "mid", "zeta"], await Store.RoomsOfAsync("alice"));
        Assert.Equal(1, (await Store.ListRoomsAsync(null, 1000)).Single(r => r.Room.Key == "alpha").Members);

        await Store.RemoveMemberAsync("mid", "alice");
        await Store.RemoveMemberAsync("mid", "alice");
        await Store.RemoveMemberAsync("nowhere", "nobody");
        Assert.Equal(["alpha", "zeta"], await Store.RoomsOfAsync("alice"));
    }

    [Fact]
    public async Task Append_and_read_after_with_limits_and_boundaries()
    {
        await Store.AppendAsync(Range("lobby", 1, 10));
        await Store.AppendAsync(Range("other", 1, 5));

        Assert.Equal(Seqs(1, 10), Seqs(await Store.ReadAfterAsync("lobby", 0, 100)));
        Assert.Equal(Seqs(1, 3), Seqs(await Store.ReadAfterAsync("lobby", 0, 3)));
        Assert.Equal(Seqs(5, 7), Seqs(await Store.ReadAfterAsync("lobby", 4, 3)));
        Assert.Equal(Seqs(10, 10), Seqs(await Store.ReadAfterAsync("lobby", 9, 3)));
        Assert.Empty(await Store.ReadAfterAsync("lobby", 10, 3));
        Assert.Empty(await Store.ReadAfterAsync("lobby", 0, 0));
        Assert.Empty(await Store.ReadAfterAsync("nowhere", 0, 10));
        Assert.All(await Store.ReadAfterAsync("other", 0, 100), m => Assert.Equal("other", m.Conversation));
    }

    [Fact]
    public async Task Read_before_returns_the_messages_just_before_in_ascending_order()
    {
        await Store.AppendAsync(Range("lobby", 1, 10));
        await Store.AppendAsync(Range("other", 1, 20));

        Assert.Equal(Seqs(8, 10), Seqs(await Store.ReadBeforeAsync("lobby", 11, 3)));
        Assert.Equal(Seqs(4, 6), Seqs(await Store.ReadBeforeAsync("lobby", 7, 3)));
        Assert.Equal(Seqs(1, 2), Seqs(await Store.ReadBeforeAsync("lobby", 3, 5)));
        Assert.Equal(Seqs(1, 10), Seqs(await Store.ReadBeforeAsync("lobby", long.MaxValue, 100)));
        Assert.Empty(await Store.ReadBeforeAsync("lobby", 1, 5));
        Assert.Empty(await Store.ReadBeforeAsync("lobby", 5, 0));
        Assert.Empty(await Store.ReadBeforeAsync("nowhere", 5, 5));
    }

    [Fact]
    public async Task Messages_round_trip_every_field()
    {
        var at = new DateTimeOffset(2025, 6, 7, 8, 9, 10, 123, TimeSpan.FromHours(-5));
        var full = new StoredMessage("@alice,bob", 1, "id-1", "alice", "alice", "bob", "hello", at, "c-1");
        var guest = new StoredMessage("lobby", 1, "id-2", "guest42", null, null, "hi", at, null);
        await Store.AppendAsync([full, guest]);

        var readFull = (await Store.ReadAfterAsync("@alice,bob", 0, 10)).Single();
        Assert.Equal(full, readFull);
        Assert.Equal(TimeSpan.Zero, readFull.Timestamp.Offset);
        Assert.Equal(guest, (await Store.ReadBeforeAsync("lobby", 2, 10)).Single());
    }

    [Fact]
    public async Task Timestamps_keep_millisecond_precision()
    {
        var at = new DateTimeOffset(2025, 6, 7, 8, 9, 10, 999, TimeSpan.Zero).AddTicks(9999);
        await Store.AppendAsync([Message("lobby", 1, at: at)]);
        var read = (await Store.ReadAfterAsync("lobby", 0, 1)).Single();
        Assert.Equal(new DateTimeOffset(2025, 6, 7, 8, 9, 10, 999, TimeSpan.Zero), read.Timestamp);
    }

    [Fact]
    public async Task Unicode_and_emoji_text_round_trips()
    {
        string[] texts =
        [
            "emoji 👩‍👩‍👧‍👦 🇫🇷 🎉",
            "accents é à ü, combining e\u0301",
            "RTL שלום عربى",
            "CJK 漢字かなカナ 한국어",
            "quotes ' \" ; -- DROP TABLE messages;",
            "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 line sep",
            new string('€', 4000),
        ];
        await Store.AppendAsync([.. texts.Select((t, i) => Message("lobby", i + 1, t))]);
        Assert.Equal(texts, (await Store.ReadAfterAsync("lobby", 0, 100)).Select(m => m.Text));
    }

    [Fact]
    public async Task Last_seq_is_zero_when_empty_then_the_highest()
    {
        Assert.Equal(0, await Store.LastSeqAsync("lobby"));
        await Store.AppendAsync(Range("lobby", 1, 5));
        await Store.AppendAsync(Range("lobby", 6, 2));
        await Store.AppendAsync(Range("other", 1, 50));
        Assert.Equal(7, await Store.LastSeqAsync("lobby"));
        Assert.Equal(50, await Store.LastSeqAsync("other"));
    }

    [Fact]
    public async Task Find_by_client_id_is_per_account()
    {
        await Store.AppendAsync(
        [
            Message("lobby", 1, "one", clientId: "c-1"),
            Message("lobby", 2, "two", from: "bob", fromAccount: "bob", clientId: "c-1"),
            Message("lobby", 3, "guest", from: "guest1", fromAccount: null, clientId: "c-9"),
        ]);

        Assert.Equal("one", (await Store.FindByClientIdAsync("lobby", "alice", "c-1"))!.Text);
        Assert.Equal("two", (await Store.FindByClientIdAsync("lobby", "bob", "c-1"))!.Text);
        Assert.Null(await Store.FindByClientIdAsync("lobby", "alice", "c-2"));
        Assert.Null(await Store.FindByClientIdAsync("lobby", "carol", "c-1"));
    }

    [Fact]
    public async Task Conversations_of_are_most_recently_active_first()
    {
        await Store.AppendAsync([Message("@alice,bob", 1, at: T0.AddMinutes(1))]);
        await Store.AppendAsync([Message("@alice,carol", 1, at: T0.AddMinutes(2))]);
        await Store.AppendAsync([Message("@bob,carol", 1, from: "bob", fromAccount: "bob", at: T0.AddMinutes(3))]);
        await Store.AppendAsync([Message("lobby", 1, at: T0.AddMinutes(4))]);

        Assert.Equal(["@alice,carol", "@alice,bob"], await Store.ConversationsOfAsync("alice", 10));
        Assert.Equal(["@bob,carol", "@alice,bob"], await Store.ConversationsOfAsync("bob", 10));

        // One batch can touch a conversation several times; its newest message counts.
        await Store.AppendAsync(
        [
            Message("@alice,bob", 2, at: T0.AddMinutes(5)),
            Message("@alice,carol", 2, at: T0.AddMinutes(6)),
            Message("@alice,bob", 3, at: T0.AddMinutes(7)),
        ]);
        Assert.Equal(["@alice,bob", "@alice,carol"], await Store.ConversationsOfAsync("alice", 10));
        Assert.Equal(["@alice,bob"], await Store.ConversationsOfAsync("alice", 1));
        Assert.Equal(["@alice,carol", "@bob,carol"], await Store.ConversationsOfAsync("carol", 10));
        Assert.Empty(await Store.ConversationsOfAsync("dave", 10));
    }

    [Fact]
    public async Task A_batch_that_fails_stores_nothing()
    {
        await Store.AppendAsync(Range("lobby", 1, 3));

        StoredMessage[] bad =
        [
            Message("@alice,bob", 1, at: T0.AddDays(1)),
            Message("lobby", 4),
            Message("lobby", 5),
            Message("lobby", 3, "duplicate seq"),
        ];
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.AppendAsync(bad)); // the database refuses the duplicate seq

        Assert.Equal(3, await Store.LastSeqAsync("lobby"));
        Assert.Equal("text 3", (await Store.ReadAfterAsync("lobby", 2, 10)).Single().Text);
        Assert.Equal(0, await Store.LastSeqAsync("@alice,bob"));
        Assert.Empty(await Store.ConversationsOfAsync("alice", 10));

        // The store stays usable after the failure.
        await Store.AppendAsync(Range("lobby", 4, 2));
        Assert.Equal(5, await Store.LastSeqAsync("lobby"));
    }

    [Fact]
    public async Task A_cancelled_append_stores_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync(Range("lobby", 1, 5), cancelled.Token));
        Assert.Equal(0, await Store.LastSeqAsync("lobby"));
    }

    [Fact]
    public async Task Readers_see_whole_batches_while_appends_run()
    {
        const int Batches = 60;
        const int BatchSize = 25;
        var writer = Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                await Store.AppendAsync(Range("lobby", (b * BatchSize) + 1, BatchSize));
            }
        });

        async Task<int> ReadUntilDoneAsync()
        {
            var reads = 0;
            long last = 0;
            while (!writer.IsCompleted || reads == 0)
            {
                var seq = await Store.LastSeqAsync("lobby");
                Assert.True(seq >= last, "LastSeq went backwards");
                Assert.Equal(0, seq % BatchSize);
                last = seq;
                var tail = await Store.ReadBeforeAsync("lobby", seq + 1, 10);
                Assert.Equal(seq == 0 ? [] : Seqs(seq - 9, seq), Seqs(tail));
                reads++;
            }

            return reads;
        }

        var readers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(ReadUntilDoneAsync)));
        await writer;
        Assert.All(readers, r => Assert.True(r > 0));
        Assert.Equal(Batches * BatchSize, await Store.LastSeqAsync("lobby"));
        Assert.Equal(Seqs(1, Batches * BatchSize), Seqs(await Store.ReadAfterAsync("lobby", 0, int.MaxValue)));
    }

    [Fact]
    public async Task Concurrent_appends_to_different_conversations_all_land()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var b = 0; b < 10; b++)
            {
                await Store.AppendAsync(Range($"room{c}", (b * 10) + 1, 10));
            }
        })));

        for (var c = 0; c < 8; c++)
        {
            Assert.Equal(Seqs(1, 100), Seqs(await Store.ReadAfterAsync($"room{c}", 0, 1000)));
        }
    }
}
