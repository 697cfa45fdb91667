using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Reactions to messages: stored once per user and emoji, read back with every kind of message read, gone with their message.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Reactions_are_read_back_with_history_pages_in_reaction_order_and_survive_a_restart()
    {
        await Store.AppendAsync([Message("dev", 1), Message("dev", 2, clientId: "c2"), Message("dev", 3), Message("other", 1)]);
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 2, "👍", "bob", "Bob", T0, 20));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 2, "🎉", "carol", "Carol", T0, 20));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 2, "👍", "alice", "alice", T0, 20));
        Assert.Equal(ReactionChange.AlreadyThere, await Store.AddReactionAsync("dev", 2, "👍", "bob", "Bob", T0, 20));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 3, "👀", "bob", "Bob", T0, 20));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("other", 1, "🔥", "bob", "Bob", T0, 20));
        Assert.Equal(ReactionChange.NoMessage, await Store.AddReactionAsync("dev", 9, "👍", "bob", "Bob", T0, 20));

        var page = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Null(page[0].Reactions);
        Assert.Equal(["👍=Bob,alice", "🎉=Carol"], Summaries(page[1]));
        Assert.Equal(["👀=Bob"], Summaries(page[2]));
        Assert.Equal(["👍=Bob,alice", "🎉=Carol"], Summaries((await Store.ReadBeforeAsync("dev", 3, 1))[0]));
        Assert.Equal(["👍=Bob,alice", "🎉=Carol"], Summaries((await Store.FindMessageAsync(page[1].MessageId))!));
        Assert.Equal(["👍=Bob,alice", "🎉=Carol"], Summaries((await Store.FindByClientIdAsync("dev", "alice", "c2"))!));

        // An emoji keeps its place while anyone has it (as clients amend their copy); one that comes back goes last.
        Assert.True(await Store.RemoveReactionAsync("dev", 2, "👍", "bob"));
        Assert.False(await Store.RemoveReactionAsync("dev", 2, "👍", "bob"));
        Assert.True(await Store.RemoveReactionAsync("dev", 3, "👀", "bob"));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 3, "🚀", "carol", "Carol", T0, 20));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 3, "👀", "bob", "Bob", T0, 20));
        await ReopenAsync();
        Assert.Equal(["👍=alice", "🎉=Carol"], Summaries((await Store.ReadAfterAsync("dev", 1, 1))[0]));
        Assert.Equal(["🚀=Carol", "👀=Bob"], Summaries((await Store.ReadAfterAsync("dev", 2, 1))[0]));
        Assert.Equal(["🔥=Bob"], Summaries((await Store.ReadAfterAsync("other", 0, 1))[0]));
    }

    [Fact]
    public async Task A_message_carries_at_most_the_limit_of_distinct_emoji_but_more_users_of_them()
    {
        await Store.AppendAsync([Message("dev", 1)]);
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 1, "😀", "alice", "alice", T0, 2));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 1, "😁", "alice", "alice", T0, 2));
        Assert.Equal(ReactionChange.TooMany, await Store.AddReactionAsync("dev", 1, "😂", "bob", "bob", T0, 2));
        Assert.Equal(ReactionChange.Added, await Store.AddReactionAsync("dev", 1, "😀", "bob", "bob", T0, 2));
        Assert.Equal(["😀=alice,bob", "😁=alice"], Summaries((await Store.ReadAfterAsync("dev", 0, 1))[0]));
    }

    [Fact]
    public async Task A_deleted_message_and_a_deleted_rooms_messages_lose_their_reactions()
    {
        await Store.TryCreateRoomAsync(new RoomRecord("tmp", "tmp", null, null, T0));
        await Store.AppendAsync([Message("dev", 1), Message("dev", 2), Message("tmp", 1)]);
        await Store.AddReactionAsync("dev", 1, "👍", "bob", "bob", T0, 20);
        await Store.AddReactionAsync("dev", 2, "👍", "bob", "bob", T0, 20);
        await Store.AddReactionAsync("tmp", 1, "👍", "bob", "bob", T0, 20);

        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));
        Assert.Null((await Store.ReadAfterAsync("dev", 0, 1))[0].Reactions);
        Assert.Equal(ReactionChange.NoMessage, await Store.AddReactionAsync("dev", 1, "🎉", "bob", "bob", T0, 20));
        Assert.Equal(["👍=bob"], Summaries((await Store.ReadAfterAsync("dev", 1, 1))[0]));

        // A room made again under the same name starts without the old messages' reactions.
        await Store.DeleteRoomAsync("tmp");
        await Store.TryCreateRoomAsync(new RoomRecord("tmp", "tmp", null, null, T0));
        await Store.AppendAsync([Message("tmp", 1)]);
        Assert.Null((await Store.ReadAfterAsync("tmp", 0, 1))[0].Reactions);
    }

    private static List<string> Summaries(StoredMessage message)
        => [.. (message.Reactions ?? []).Select(r => r.Emoji + "=" + string.Join(',', r.Users))];
}
