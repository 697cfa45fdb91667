using Piazza.Core.Replies;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Replies: the replied-to id is stored, and every read builds the quote from the original's current row.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task A_reply_keeps_the_id_it_answers_and_every_read_quotes_the_originals_current_text()
    {
        var long1 = string.Concat(Enumerable.Repeat("é", 150)) + string.Concat(Enumerable.Repeat("👍", 100));
        await Store.AppendAsync(
        [
            Message("dev", 1, "deploy friday?", from: "bob", fromAccount: "bob"),
            Message("dev", 2, long1),
            Message("dev", 3, "yes") with { ReplyTo = "m-dev-1" },
            Message("dev", 4, "wow") with { ReplyTo = "m-dev-2" },
            Message("dev", 5, "plain"),
        ]);

        var after = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Equal(new ReplyQuote("m-dev-1", 1, "bob", "deploy friday?"), after[2].Reply);
        Assert.Equal("m-dev-1", after[2].ReplyTo);
        Assert.Equal(string.Concat(Enumerable.Repeat("é", 150)) + string.Concat(Enumerable.Repeat("👍", 50)), after[3].Reply!.Text);
        Assert.Null(after[0].Reply);
        Assert.Null(after[4].Reply);
        Assert.Null(after[4].ReplyTo);
        Assert.Equal("m-dev-1", (await Store.ReadBeforeAsync("dev", 4, 1))[0].Reply!.MessageId);
        Assert.Equal("deploy friday?", (await Store.FindMessageAsync("m-dev-3"))!.Reply!.Text);

        // Deleting the original: the quote keeps who and where, not what; the reply itself stands.
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));
        await ReopenAsync();
        var quote = (await Store.ReadAfterAsync("dev", 2, 1))[0].Reply;
        Assert.Equal(new ReplyQuote("m-dev-1", 1, "bob", "") { Deleted = true }, quote);
        Assert.True((await Store.FindMessageAsync("m-dev-3"))!.Reply!.Deleted);
    }

    [Fact]
    public async Task A_quote_is_built_only_from_the_same_conversation_and_a_missing_original_quotes_nothing()
    {
        await Store.AppendAsync(
        [
            Message("ops", 1, "elsewhere"),
            Message("dev", 1, "forged") with { ReplyTo = "m-ops-1" },
            Message("dev", 2, "orphan") with { ReplyTo = "m-nowhere-1" },
        ]);

        var read = await Store.ReadAfterAsync("dev", 0, 10);
        Assert.Equal("m-ops-1", read[0].ReplyTo);
        Assert.Null(read[0].Reply);
        Assert.Null(read[1].Reply);
    }
}
