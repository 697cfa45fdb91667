using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Edits: the row takes the new text and edited_at, earlier texts are kept as versions, and a deletion erases them.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task An_edit_replaces_the_text_everywhere_it_is_read_and_keeps_the_earlier_ones_oldest_first()
    {
        await Store.AppendAsync([Message("dev", 1, "first", clientId: "c-1"), Message("dev", 2, "other")]);
        var at1 = T0.AddMinutes(1);
        var at2 = T0.AddMinutes(2);
        var edited = await Store.EditMessageAsync("dev", 1, "second", null, at1);
        Assert.Equal(("second", at1), (edited!.Text, edited.EditedAt));
        Assert.NotNull(await Store.EditMessageAsync("dev", 1, "third", null, at2));

        Assert.Equal(("third", at2), ((await Store.ReadAfterAsync("dev", 0, 1))[0].Text, (await Store.ReadAfterAsync("dev", 0, 1))[0].EditedAt));
        var before = (await Store.ReadBeforeAsync("dev", 3, 2))[0];
        Assert.Equal(("third", at2), (before.Text, before.EditedAt));
        var found = await Store.FindMessageAsync("m-dev-1");
        Assert.Equal(("third", at2), (found!.Text, found.EditedAt));
        Assert.Equal("third", (await Store.FindByClientIdAsync("dev", "alice", "c-1"))!.Text);
        Assert.Null((await Store.ReadAfterAsync("dev", 1, 1))[0].EditedAt);

        Assert.Equal([new MessageVersion("first", T0.AddSeconds(1)), new MessageVersion("second", at1)], await Store.ReadVersionsAsync("dev", 1));
        Assert.Empty(await Store.ReadVersionsAsync("dev", 2));

        await ReopenAsync();
        Assert.Equal(("third", at2), ((await Store.FindMessageAsync("m-dev-1"))!.Text, (await Store.FindMessageAsync("m-dev-1"))!.EditedAt));
        Assert.Equal(2, (await Store.ReadVersionsAsync("dev", 1)).Count);
    }

    [Fact]
    public async Task A_deletion_erases_the_earlier_texts_and_a_deleted_or_missing_message_cannot_be_edited()
    {
        await Store.AppendAsync([Message("dev", 1, "secret plan")]);
        Assert.NotNull(await Store.EditMessageAsync("dev", 1, "harmless", null, T0.AddMinutes(1)));
        Assert.True(await Store.MarkDeletedAsync("dev", 1, "alice"));

        Assert.Empty(await Store.ReadVersionsAsync("dev", 1));
        Assert.Null(await Store.EditMessageAsync("dev", 1, "back again", null, T0.AddMinutes(2)));
        Assert.Null(await Store.EditMessageAsync("dev", 9, "never sent", null, T0.AddMinutes(2)));
        var stored = (await Store.ReadAfterAsync("dev", 0, 1))[0];
        Assert.Equal(("", "alice"), (stored.Text, stored.DeletedBy));
        Assert.Empty(await Store.ReadVersionsAsync("dev", 1));
    }

    [Fact]
    public async Task Only_the_newest_earlier_texts_are_kept_so_looping_edits_cannot_grow_a_message_without_bound()
    {
        await Store.AppendAsync([Message("dev", 1, "edit 0")]);
        var edits = IEditStore.VersionsKept + 5;
        for (var i = 1; i <= edits; i++)
        {
            Assert.NotNull(await Store.EditMessageAsync("dev", 1, $"edit {i}", null, T0.AddMinutes(i)));
        }

        var versions = await Store.ReadVersionsAsync("dev", 1);
        Assert.Equal(IEditStore.VersionsKept, versions.Count);
        Assert.Equal("edit 5", versions[0].Text); // the 5 oldest went
        Assert.Equal($"edit {edits - 1}", versions[^1].Text);
        Assert.Equal($"edit {edits}", (await Store.FindMessageAsync("m-dev-1"))!.Text);
    }

    [Fact]
    public async Task An_edit_moves_the_mentions_with_the_text_and_the_counts_follow()
    {
        await Store.AppendAsync([Message("dev", 1, "hi @bob", from: "carol", fromAccount: "carol") with { Mentions = ["bob"] }]);
        Assert.Equal(1, (await Store.CountUnreadAsync("bob", [new ReadPoint("dev", 0)]))[0].Mentions);

        var edited = await Store.EditMessageAsync("dev", 1, "hi @alice", ["alice"], T0.AddMinutes(1));
        Assert.Equal(["alice"], edited!.Mentions);
        Assert.Equal(0, (await Store.CountUnreadAsync("bob", [new ReadPoint("dev", 0)]))[0].Mentions);
        Assert.Equal(1, (await Store.CountUnreadAsync("alice", [new ReadPoint("dev", 0)]))[0].Mentions);
        Assert.Equal(["alice"], (await Store.FindMessageAsync("m-dev-1"))!.Mentions);
    }
}
