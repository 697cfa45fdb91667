using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Client ids across nodes (the store assigns seqs and finds repeats: <c>StoreSequencer</c>): an id used on one node
/// and reused on another for other content is refused as <c>conflict</c>, the same content is a duplicate, and the
/// same id in another conversation is a new message.
/// </summary>
public sealed class ClientIdsAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions
    {
        PasswordIterations = 1000,
        Flood = new Piazza.Core.Limits.FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 },
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_id_reused_on_another_node_is_a_conflict_for_other_content_a_duplicate_for_the_same_and_new_elsewhere()
    {
        await _cluster.RegisterAsync(1, "bob");
        var (_, first) = await _cluster.RegisterAsync(1, "carol");
        var (_, second) = await _cluster.LoginAsync(2, "carol");

        // Node 2 has the lobby loaded before node 1 stores the id, so only the store can tell.
        var marker = await SendAsync(2, second, null, "marker", "m-0");
        Assert.True(marker.Succeeded, marker.Error?.Message);
        var original = await SendAsync(1, first, null, "only once", "r-1");
        Assert.True(original.Succeeded, original.Error?.Message);

        var changed = await SendAsync(2, second, null, "something else", "r-1");
        Assert.Equal(ErrorCode.Conflict, changed.Error?.Code);
        var same = await SendAsync(2, second, null, "only once", "r-1");
        Assert.True(same.Value!.Duplicate);
        Assert.Equal(original.Value!.Message.Id, same.Value.Message.Id);

        // The refused one is not remembered on node 2 as if it were the message.
        Assert.Equal(ErrorCode.Conflict, (await SendAsync(2, second, null, "something else", "r-1")).Error?.Code);

        var elsewhere = await SendAsync(2, second, "bob", "only once", "r-1");
        Assert.True(elsewhere.Succeeded, elsewhere.Error?.Message);
        Assert.False(elsewhere.Value!.Duplicate);
        Assert.NotEqual(original.Value.Message.Conversation, elsewhere.Value.Message.Conversation);

        var stored = await _cluster[2].HistoryAsync(second, null, null, null, 0, 100, null);
        Assert.Single(stored.Value!.Messages, m => m.Text == "only once");
        Assert.DoesNotContain(stored.Value.Messages, m => m.Text == "something else");
    }

    private async Task<HubResult<SendOutcome>> SendAsync(int node, ChatSession session, string? to, string text, string id)
    {
        var accepted = await _cluster[node].SendAsync(session, null, to, text, id);
        return accepted.Succeeded ? await accepted.Value!.Completion : accepted.Error!;
    }
}
