using Piazza.Core.Search;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>
/// Full-text search (docs/protocol.md, "Search"): the same query gives the same hits on every store; appends, edits
/// and deletions keep the index exact; only the conversations passed are searched.
/// </summary>
public abstract partial class ChatStoreContractTests
{
    /// <summary>Changes a stored message's text as an edit does (an UPDATE of messages.text), with the store's own SQL.</summary>
    protected abstract Task SetTextAsync(string conversation, long seq, string text);

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string q, string[] conversations, string? from = null, long? before = null, int limit = 50)
    {
        var parsed = SearchQueryParser.Parse(q);
        Assert.True(parsed.Succeeded, parsed.Error?.Message);
        return await Store.SearchAsync(new SearchRequest(parsed.Value!, conversations, from, before, limit));
    }

    private static string[] Texts(IReadOnlyList<SearchHit> hits) => [.. hits.Select(h => h.Message.Text)];

    [Fact]
    public async Task Search_finds_words_newest_first_with_prefixes_phrases_and_exclusions()
    {
        await Store.AppendAsync(
        [
            Message("dev", 1, "Deploy on Friday after lunch"),
            Message("dev", 2, "friday is a deploy freeze"),
            Message("dev", 3, "the deployment went fine"),
            Message("ops", 1, "deploy friday in ops"),
        ]);

        Assert.Equal(["friday is a deploy freeze", "Deploy on Friday after lunch"], Texts(await SearchAsync("deploy friday", ["dev"])));
        Assert.Equal(["the deployment went fine", "friday is a deploy freeze", "Deploy on Friday after lunch"], Texts(await SearchAsync("depl*", ["dev"])));
        Assert.Equal(["Deploy on Friday after lunch"], Texts(await SearchAsync("\"deploy on friday\"", ["dev"])));
        Assert.Equal(["Deploy on Friday after lunch"], Texts(await SearchAsync("deploy -freeze friday", ["dev"])));
        Assert.Equal(["Deploy on Friday after lunch", "deploy friday in ops", "friday is a deploy freeze"], Texts(await SearchAsync("deploy friday", ["dev", "ops"])).Order(StringComparer.Ordinal));
        Assert.Empty(await SearchAsync("deploy", ["nowhere"]));
    }

    [Fact]
    public async Task Letters_that_fold_into_query_syntax_stay_words()
    {
        // U+02BC folds to an apostrophe and U+02D0 to a colon under PostgreSQL's unaccent: still plain words, never syntax.
        await Store.AppendAsync([Message("dev", 1, "I don\u02BCt know"), Message("dev", 2, "a\u02D0b and more")]);
        foreach (var q in new[] { "don\u02BCt", "a\u02D0b", "don\u02BC*", "\"don\u02BCt know\"" })
        {
            var parsed = SearchQueryParser.Parse(q);
            if (parsed.Succeeded)
            {
                _ = await Store.SearchAsync(new SearchRequest(parsed.Value!, ["dev"], null, null, 20)); // answers, never throws
            }
        }

        Assert.Contains("I don\u02BCt know", Texts(await SearchAsync("know", ["dev"])));
    }

    [Fact]
    public async Task Search_folds_case_and_diacritics_both_ways()
    {
        await Store.AppendAsync([Message("dev", 1, "Meet at the Café"), Message("dev", 2, "cafe ÜBER alles")]);
        Assert.Equal(["cafe ÜBER alles", "Meet at the Café"], Texts(await SearchAsync("cafe", ["dev"])));
        Assert.Equal(["cafe ÜBER alles", "Meet at the Café"], Texts(await SearchAsync("CAFÉ", ["dev"])));
        Assert.Equal(["cafe ÜBER alles"], Texts(await SearchAsync("uber", ["dev"])));
    }

    [Fact]
    public async Task Search_pages_newest_first_with_the_cursor()
    {
        await Store.AppendAsync([.. Enumerable.Range(1, 7).Select(i => Message("dev", i, $"release note {i}"))]);
        var first = await SearchAsync("release", ["dev"], limit: 3);
        Assert.Equal([7L, 6L, 5L], first.Select(h => h.Message.Seq));
        var second = await SearchAsync("release", ["dev"], before: first[^1].Cursor, limit: 3);
        Assert.Equal([4L, 3L, 2L], second.Select(h => h.Message.Seq));
        var last = await SearchAsync("release", ["dev"], before: second[^1].Cursor, limit: 3);
        Assert.Equal([1L], last.Select(h => h.Message.Seq));
        Assert.Equal("m-dev-1", last[0].Message.MessageId);
    }

    [Fact]
    public async Task Search_filters_by_sender_account_or_guest_name()
    {
        await Store.AppendAsync(
        [
            Message("dev", 1, "ship it", from: "Alice", fromAccount: "alice"),
            Message("dev", 2, "ship it now", from: "Bob", fromAccount: "bob"),
            Message("dev", 3, "ship it later", from: "Zed", fromAccount: null),
        ]);

        Assert.Equal(["ship it now"], Texts(await SearchAsync("ship", ["dev"], from: "bob")));
        Assert.Equal(["ship it later"], Texts(await SearchAsync("ship", ["dev"], from: "zed")));
        Assert.Empty(await SearchAsync("ship", ["dev"], from: "carol"));
    }

    [Fact]
    public async Task Deleted_messages_never_match_and_edits_match_their_current_text()
    {
        await Store.AppendAsync([Message("dev", 1, "secret plan alpha"), Message("dev", 2, "plan beta"), Message("dev", 3, "old words")]);
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));
        Assert.Equal(["plan beta"], Texts(await SearchAsync("plan", ["dev"])));
        Assert.Empty(await SearchAsync("secret", ["dev"]));

        await SetTextAsync("dev", 3, "new wording");
        Assert.Empty(await SearchAsync("old", ["dev"]));
        var edited = await SearchAsync("wording", ["dev"]);
        Assert.Equal(["new wording"], Texts(edited));

        // An edited message keeps its place in the results: editing message 2 does not make it newer than message 3.
        await SetTextAsync("dev", 3, "new wording and a plan");
        await SetTextAsync("dev", 2, "plan beta, revised");
        Assert.Equal([3L, 2L], (await SearchAsync("plan", ["dev"])).Select(h => h.Message.Seq));

        await ReopenAsync();
        Assert.Equal(["new wording and a plan", "plan beta, revised"], Texts(await SearchAsync("plan", ["dev"])));
    }

    [Fact]
    public async Task Search_looks_only_in_the_conversations_passed()
    {
        await Store.AppendAsync(
        [
            Message("secret", 1, "launch codes"),
            Message("@alice,bob", 1, "launch party", to: "bob"),
            Message("@carol,dave", 1, "launch time", from: "carol", fromAccount: "carol", to: "dave"),
            Message("lobby", 1, "launch day"),
        ]);

        Assert.Equal(["launch party", "launch day"], Texts(await SearchAsync("launch", ["lobby", "@alice,bob"])).OrderDescending(StringComparer.Ordinal));
        Assert.Empty(await SearchAsync("codes", ["lobby", "@alice,bob"]));
        Assert.Empty(await SearchAsync("time", ["lobby", "@alice,bob"]));
    }

    [Fact]
    public async Task Query_text_is_never_store_syntax()
    {
        await Store.AppendAsync([Message("dev", 1, "and or not near NEAR: column:text \"quoted\" it's back\\slash")]);
        foreach (var q in new[] { "NEAR", "AND", "OR", "NOT", "near", "column:text", "it's", "back\\slash", "\"quoted\"", "'", "\\", ":*", "&", "!", "<->", "text:*x" })
        {
            var parsed = SearchQueryParser.Parse(q);
            if (parsed.Succeeded)
            {
                await Store.SearchAsync(new SearchRequest(parsed.Value!, ["dev"], null, null, 10));
            }
        }

        Assert.Single(await SearchAsync("NEAR column", ["dev"]));
        Assert.Single(await SearchAsync("it's", ["dev"]));
    }
}
