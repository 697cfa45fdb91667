using Microsoft.Extensions.DependencyInjection;
using Piazza.Client;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Retention;

/// <summary>The client library surfaces a retention cut (docs/retention.md): <see cref="HistoryBegins"/>, <see cref="PiazzaClient.HistoryPageAsync"/>.</summary>
public sealed class ClientLibraryRetentionTests
{
    [Fact]
    public async Task Entering_a_cut_room_raises_HistoryBegins_and_a_history_page_says_where_it_begins()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "1"));
        var store = server.Services.GetRequiredService<IChatStore>();
        var old = DateTimeOffset.UtcNow.AddDays(-5);
        Assert.True(await store.TryCreateRoomAsync(new RoomRecord("attic", "attic", null, null, old)));
        await store.AppendAsync([
            new StoredMessage("attic", 1, "m1", "x", null, null, "dusty", old, null),
            new StoredMessage("attic", 2, "m2", "x", null, null, "fresh", DateTimeOffset.UtcNow, null),
        ]);
        await server.Hub.ApplyRetentionAsync(); // the job's run at start may have done it already: either removes it once
        Assert.Equal(2, (await store.HistoryStartAsync("attic"))!.FirstSeq);

        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await alice.ConnectAsync();
        await alice.JoinAsync("attic");

        Assert.Equal(new HistoryBegins("attic", 2), await alice.NextAsync<HistoryBegins>());
        var page = await alice.HistoryPageAsync("attic");
        Assert.Equal((2L, "fresh"), (page.FirstSeq, Assert.Single(page.Messages).Text));

        // A guest owns nothing: setting the room's retention is refused with the protocol's word.
        var refused = await Assert.ThrowsAsync<PiazzaException>(() => alice.SetRoomRetentionAsync("attic", 3));
        Assert.Equal(ErrorCode.Forbidden, refused.Code);
    }
}
