using Piazza.Core;
using Piazza.Core.Search;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Retention (<see cref="IRetentionStore"/>): cuts in chunks, pinned messages kept, what hangs on a message goes with it.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task A_cut_removes_old_messages_but_pinned_ones_with_their_search_entries_and_versions_and_says_where_history_begins()
    {
        // Messages 1..10 at T0+1s..T0+10s; cut everything sent before T0+7s (1..6) but pinned 3.
        await Store.AppendAsync(Range("dev", 1, 10));
        await Store.EditMessageAsync("dev", 2, "text 2 edited", null, T0.AddMinutes(1));
        Assert.Equal(PinOutcome.Added, await Store.PinAsync(new PinRecord("dev", 3, "m-dev-3", "alice", T0), 50));
        Assert.Null(await Store.HistoryStartAsync("dev"));

        var cut = await Store.CutHistoryAsync("dev", T0.AddSeconds(7), 100, T0.AddDays(1));

        Assert.Equal(5, cut.Removed);
        Assert.Equal(7, cut.FirstSeq);
        Assert.True(cut.Done);
        Assert.Equal([3L, 7, 8, 9, 10], (await Store.ReadAfterAsync("dev", 0, 100)).Select(m => m.Seq));
        Assert.Equal(new HistoryStart(7, T0.AddDays(1)), await Store.HistoryStartAsync("dev"));
        Assert.Empty(await Store.ReadVersionsAsync("dev", 2));
        var hits = await Store.SearchAsync(new SearchRequest(SearchQueryParser.Parse("text").Value!, ["dev"], null, null, 50));
        Assert.Equal([10L, 9, 8, 7, 3], hits.Select(h => h.Message.Seq));

        // Again: nothing more to cut, and the start never moves back.
        var again = await Store.CutHistoryAsync("dev", T0.AddSeconds(5), 100, T0.AddDays(2));
        Assert.Equal(RetentionCut.Nothing(7), again);
        Assert.Equal(7, (await Store.HistoryStartAsync("dev"))!.FirstSeq);
    }

    [Fact]
    public async Task A_big_cut_goes_in_chunks_and_unread_counts_start_where_history_begins()
    {
        await Store.AppendAsync(Range("dev", 1, 25));
        var chunks = new List<RetentionCut>();
        do
        {
            chunks.Add(await Store.CutHistoryAsync("dev", T0.AddSeconds(21), 8, T0.AddDays(1)));
        }
        while (!chunks[^1].Done);

        Assert.Equal([8, 8, 4], chunks.Select(c => c.Removed));
        Assert.Equal([9L, 17, 21], chunks.Select(c => c.FirstSeq!.Value));
        Assert.Equal(21, (await Store.ReadAfterAsync("dev", 0, 1))[0].Seq);

        // A reader who read nothing has 5 unread (21..25), not 25: removed messages are not unread.
        var counts = await Store.CountUnreadAsync("bob", [new ReadPoint("dev", 0)]);
        Assert.Equal(5, counts[0].Unread);
    }

    [Fact]
    public async Task A_cut_drops_shares_no_message_carries_and_deletes_files_shared_nowhere()
    {
        var (sha1, sha2) = (new string('1', 64), new string('2', 64));
        foreach (var (upload, file, sha) in new[] { ("u1", "f1", sha1), ("u2", "f2", sha2), ("u3", "f3", sha2) })
        {
            await Store.CreateUploadAsync(new UploadRecord(upload, "alice", 10, "a.txt", null, sha, T0));
            await Store.CompleteUploadAsync(upload, new FileRecord(file, "alice", "a.txt", 10, "text/plain", sha, T0));
        }

        FileAttachment Attached(string id, string sha) => new(id, "a.txt", 10, "text/plain", sha);

        // f1 only in old dev messages; f2 in an old dev message and in ops; f3 (same content as f2) only old in dev.
        await Store.AppendAsync([
            Message("dev", 1) with { File = Attached("f1", sha1) },
            Message("dev", 2) with { File = Attached("f2", sha2) },
            Message("dev", 3) with { File = Attached("f3", sha2) },
            Message("dev", 4, at: T0.AddDays(10)),
            Message("ops", 1) with { File = Attached("f2", sha2) },
        ]);

        var cut = await Store.CutHistoryAsync("dev", T0.AddDays(1), 100, T0.AddDays(11));

        Assert.Equal(3, cut.Removed);
        Assert.Equal(3, cut.SharesRemoved);
        Assert.Equal([("f1", sha1, 0), ("f3", sha2, 1)], cut.Files.Select(f => (f.FileId, f.Sha256, f.SameContentRemaining)).OrderBy(f => f.FileId));
        Assert.Null(await Store.FindFileAsync("f1"));
        Assert.Null(await Store.FindFileAsync("f3"));
        Assert.Null(await Store.FindUploadAsync("u1"));
        Assert.Equal(["ops"], await Store.FileSharesAsync("f2"));
        Assert.True(await Store.IsContentReferencedAsync(sha2));
        Assert.False(await Store.IsContentReferencedAsync(sha1));
    }

    [Fact]
    public async Task Rooms_keep_their_own_retention_and_scopes_list_rooms_and_private_conversations_in_order()
    {
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "Dev", null, null, T0)));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("ops", "Ops", null, null, T0)));
        await Store.AppendAsync([Message("@alice,bob", 1, to: "bob")]);
        Assert.Null(await Store.RoomRetentionAsync("dev"));

        await Store.SetRoomRetentionAsync("dev", 30);
        await Store.SetRoomRetentionAsync("ops", 0);
        Assert.Equal(30, await Store.RoomRetentionAsync("dev"));
        Assert.Equal(0, await Store.RoomRetentionAsync("ops"));

        Assert.Equal(
            [new RetentionScope("@alice,bob", null), new RetentionScope("dev", 30), new RetentionScope("ops", 0)],
            await Store.RetentionScopesAsync(null, 10, ownSettingOnly: false));
        Assert.Equal([new RetentionScope("ops", 0)], await Store.RetentionScopesAsync("dev", 10, ownSettingOnly: false));
        Assert.Equal([new RetentionScope("dev", 30), new RetentionScope("ops", 0)], await Store.RetentionScopesAsync(null, 10, ownSettingOnly: true));

        await Store.SetRoomRetentionAsync("dev", null);
        Assert.Null(await Store.RoomRetentionAsync("dev"));
    }
}
