using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Search across nodes (<see cref="InProcessCluster"/>: two hubs on one store): a message sent on node 1 is found from
/// node 2 as soon as its send completed.
/// </summary>
public sealed class SearchAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_message_sent_on_node_1_is_found_from_node_2()
    {
        var (_, alice) = await _cluster.GuestAsync(1, "alice");
        var (_, bob) = await _cluster.GuestAsync(2, "bob");
        var pending = await _cluster[1].SendAsync(alice, ChatHub.LobbyName, null, "cross node needle", null);
        Assert.True(pending.Succeeded, pending.Error?.Message);
        var sent = await pending.Value!.Completion;
        Assert.True(sent.Succeeded, sent.Error?.Message);

        var found = await _cluster[2].SearchAsync(bob, "needle", null, null, null);
        Assert.True(found.Succeeded, found.Error?.Message);
        var result = Assert.Single(found.Value!.Results);
        Assert.Equal((sent.Value!.Message.Id, "alice", "lobby"), (result.Message.Id, result.Message.From, result.Message.Room));
        Assert.Equal("cross node \u0002needle\u0003", result.Snippet);
    }
}
