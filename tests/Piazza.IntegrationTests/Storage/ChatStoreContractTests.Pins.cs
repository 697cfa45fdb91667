using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Pinned messages (<see cref="IPinStore"/>): newest first, the limit, idempotency, deletion and restarts.</summary>
public abstract partial class ChatStoreContractTests
{
    private static PinRecord Pin(string conversation, long seq, string by = "alice", int second = 0)
        => new(conversation, seq, $"m-{conversation}-{seq}", by, T0.AddSeconds(second));

    [Fact]
    public async Task Pins_are_listed_newest_pin_first_per_conversation_and_survive_a_restart()
    {
        await Store.AppendAsync([.. Range("dev", 1, 3), .. Range("@alice,bob", 1, 1)]);
        Assert.Empty(await Store.PinsAsync("dev"));

        Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("dev", 2, second: 10), 50));
        Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("dev", 3, by: "bob", second: 10), 50)); // same instant: still the newer
        Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("dev", 1, second: 11), 50));
        Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("@alice,bob", 1), 50));
        Assert.Equal(PinOutcome.AlreadyPinned, await Store.PinAsync(Pin("dev", 2, by: "carol", second: 20), 50));

        await ReopenAsync();
        var pins = await Store.PinsAsync("dev");
        Assert.Equal([1L, 3L, 2L], pins.Select(p => p.Seq));
        Assert.Equal(Pin("dev", 3, by: "bob", second: 10), pins[1]);
        Assert.Equal("alice", pins[2].PinnedBy); // the repeat changed nothing
        Assert.Equal([Pin("@alice,bob", 1)], await Store.PinsAsync("@alice,bob"));
    }

    [Fact]
    public async Task A_conversation_holds_at_most_the_limit_and_unpinning_makes_room()
    {
        await Store.AppendAsync(Range("dev", 1, 4));
        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("dev", seq), 3));
        }

        Assert.Equal(PinOutcome.Full, await Store.PinAsync(Pin("dev", 4), 3));
        Assert.Equal(PinOutcome.AlreadyPinned, await Store.PinAsync(Pin("dev", 1), 3)); // a repeat is not refused as full
        Assert.Equal(3, (await Store.PinsAsync("dev")).Count);

        Assert.True(await Store.UnpinAsync("dev", 2));
        Assert.False(await Store.UnpinAsync("dev", 2));
        Assert.False(await Store.UnpinAsync("elsewhere", 1));
        Assert.Equal(PinOutcome.Added, await Store.PinAsync(Pin("dev", 4), 3));
        Assert.Equal([4L, 3L, 1L], (await Store.PinsAsync("dev")).Select(p => p.Seq));
    }

    [Fact]
    public async Task Concurrent_pins_never_pass_the_limit()
    {
        await Store.AppendAsync(Range("dev", 1, 20));
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 20).Select(seq => Store.PinAsync(Pin("dev", seq), 5)));
        Assert.Equal(5, outcomes.Count(o => o == PinOutcome.Added));
        Assert.Equal(15, outcomes.Count(o => o == PinOutcome.Full));
        Assert.Equal(5, (await Store.PinsAsync("dev")).Count);
    }

    [Fact]
    public async Task A_deleted_or_missing_message_is_never_pinned()
    {
        await Store.AppendAsync([Message("dev", 1, "gone soon")]);
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice")); // the deletion ran first; the pin comes after it
        Assert.Equal(PinOutcome.NoMessage, await Store.PinAsync(Pin("dev", 1), 50));
        Assert.Equal(PinOutcome.NoMessage, await Store.PinAsync(Pin("dev", 9), 50));
        Assert.Empty(await Store.PinsAsync("dev"));
    }

    [Fact]
    public async Task Deleting_a_message_drops_its_pin_and_deleting_a_room_drops_all_of_its_pins()
    {
        await Store.AppendAsync(Range("dev", 1, 2));
        await Store.PinAsync(Pin("dev", 1), 50);
        await Store.PinAsync(Pin("dev", 2), 50);
        Assert.True(await Store.MarkDeletedAsync("dev", 2, "bob"));
        Assert.Equal([1L], (await Store.PinsAsync("dev")).Select(p => p.Seq));

        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("tmp", "tmp", null, null, T0, CreatedByGuest: true)));
        await Store.AppendAsync([Message("tmp", 1, fromAccount: null)]);
        await Store.PinAsync(Pin("tmp", 1), 50);
        await Store.DeleteRoomAsync("tmp");
        Assert.Empty(await Store.PinsAsync("tmp"));
        Assert.Single(await Store.PinsAsync("dev"));
    }
}
