using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Mentions stored with messages, read positions and the unread and mention counts built on them.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Mentions_are_stored_with_the_message_and_read_back_in_history()
    {
        await Store.AppendAsync(
        [
            Message("dev", 1) with { Mentions = ["bob", "~carol~0123456789abcdef"] },
            Message("dev", 2),
            Message("dev", 3) with { Mentions = ["@room"] },
        ]);

        var read = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Equal(["bob", "~carol~0123456789abcdef"], read[0].Mentions);
        Assert.Null(read[1].Mentions);
        Assert.Equal(["@room"], read[2].Mentions);
        Assert.Equal(["@room"], (await Store.ReadBeforeAsync("dev", 4, 1))[0].Mentions);

        // A deleted message mentions nobody.
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));
        Assert.Null((await Store.ReadAfterAsync("dev", 0, 1))[0].Mentions);
    }

    [Fact]
    public async Task A_read_position_never_moves_backwards_and_survives_a_restart()
    {
        Assert.Empty(await Store.ReadPositionsAsync("alice"));
        Assert.Equal(5, await Store.MarkReadAsync("alice", "dev", 5));
        Assert.Equal(5, await Store.MarkReadAsync("alice", "dev", 3));
        Assert.Equal(7, await Store.MarkReadAsync("alice", "dev", 7));
        Assert.Equal(2, await Store.MarkReadAsync("alice", "@alice,bob", 2));
        Assert.Equal(1, await Store.MarkReadAsync("bob", "dev", 1));

        await ReopenAsync();
        var positions = await Store.ReadPositionsAsync("alice");
        Assert.Equal(2, positions.Count);
        Assert.Equal((7L, 2L), (positions["dev"], positions["@alice,bob"]));
    }

    [Fact]
    public async Task Unread_counts_others_messages_after_the_position_and_mentions_count_the_readers_own_and_room_mentions()
    {
        // dev: 1 alice, 2 bob "@alice", 3 alice "@bob", 4 bob "@room", 5 bob (deleted, mentioned alice), 6 server, 7 bob.
        await Store.AppendAsync(
        [
            Message("dev", 1),
            Message("dev", 2, from: "bob", fromAccount: "bob") with { Mentions = ["alice"] },
            Message("dev", 3) with { Mentions = ["bob"] },
            Message("dev", 4, from: "bob", fromAccount: "bob") with { Mentions = ["@room"] },
            Message("dev", 5, from: "bob", fromAccount: "bob") with { Mentions = ["alice"] },
            Message("dev", 6, from: "server", fromAccount: null),
            Message("dev", 7, from: "bob", fromAccount: "bob"),
        ]);
        Assert.True(await Store.MarkDeletedAsync("dev", 5, "bob"));

        var counts = await Store.CountUnreadAsync("alice", [new ReadPoint("dev", 0), new ReadPoint("dev", 3), new ReadPoint("dev", 7), new ReadPoint("nowhere", 0)]);
        Assert.Equal(
            [
                new UnreadCount("dev", 7, Unread: 4, Mentions: 2), // 2, 4, 6, 7; mentions 2 and 4 (5 is deleted)
                new UnreadCount("dev", 7, Unread: 3, Mentions: 1), // 4, 6, 7
                new UnreadCount("dev", 7, Unread: 0, Mentions: 0),
                new UnreadCount("nowhere", 0, Unread: 0, Mentions: 0),
            ],
            counts);

        // For bob: 1, 3 and 6 (his own 5 was deleted but is his anyway); his own @room message is no mention of him, alice's @bob is.
        Assert.Equal([new UnreadCount("dev", 7, Unread: 3, Mentions: 1)], await Store.CountUnreadAsync("bob", [new ReadPoint("dev", 0)]));
    }

    [Fact]
    public async Task Members_among_and_member_count_read_the_stored_memberships()
    {
        await CreateAccountsAsync("alice", "bob", "carol");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, "alice", T0)));
        await Store.AddMemberAsync("dev", "alice");
        await Store.AddMemberAsync("dev", "bob");

        Assert.Equal(["bob"], await Store.MembersAmongAsync("dev", ["bob", "carol", "nobody"]));
        Assert.Equal(2, await Store.MemberCountAsync("dev"));
        Assert.Equal(0, await Store.MemberCountAsync("nowhere"));
    }

    [Fact]
    public async Task Deleting_a_room_deletes_its_read_positions_and_mentions()
    {
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("tmp", "tmp", null, null, T0, CreatedByGuest: true)));
        await Store.AppendAsync([Message("tmp", 1, fromAccount: null) with { Mentions = ["alice"] }]);
        await Store.MarkReadAsync("alice", "tmp", 1);

        await Store.DeleteRoomAsync("tmp");
        Assert.Empty(await Store.ReadPositionsAsync("alice"));

        // A room of the same name starts again at seq 1: nothing of the old one is counted.
        await Store.AppendAsync([Message("tmp", 1, from: "bob", fromAccount: "bob")]);
        Assert.Equal([new UnreadCount("tmp", 1, Unread: 1, Mentions: 0)], await Store.CountUnreadAsync("alice", [new ReadPoint("tmp", 0)]));
    }
}
