using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Reactions across nodes (<see cref="InProcessCluster"/>): a reaction on one node reaches the conversation's listeners on the other and amends that node's copy of the message.</summary>
public sealed class ReactionsAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_reaction_on_node_1_is_heard_on_node_2_and_a_later_entrant_there_sees_it_in_history()
    {
        var (aliceSees, alice) = await _cluster.RegisterAsync(1, "alice");
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob");
        Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);
        Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);
        var sent = await _cluster[2].SendAsync(bob, "dev", null, "ship it?", "b1");
        var message = (await sent.Value!.Completion).Value!.Message;
        await aliceSees.WaitForAsync<MessageEvent>(m => m.Id == message.Id);

        var reacted = await _cluster[1].ReactAsync(alice, message.Id, ":tada:", on: true);
        Assert.True(reacted.Succeeded, reacted.Error?.Message);
        var heard = await bobSees.WaitForAsync<ReactionEvent>();
        Assert.Equal(("dev", message.Id, message.Seq, "🎉", "alice", true), (heard.Room, heard.MessageId, heard.Seq, heard.Emoji, heard.User, heard.On));
        await aliceSees.WaitForAsync<ReactionEvent>(r => r.MessageId == message.Id);

        var (carolSees, carol) = await _cluster.RegisterAsync(2, "carol");
        Assert.True((await _cluster[2].JoinAsync(carol, "dev")).Succeeded);
        var history = await carolSees.WaitForAsync<HistoryEvent>(h => h.Room == "dev" && h.Messages.Any(m => m.Id == message.Id));
        var reactions = Assert.Single(history.Messages.Single(m => m.Id == message.Id).Reactions!);
        Assert.Equal(("🎉", "alice"), (reactions.Emoji, string.Join(',', reactions.Users)));

        // Taken back on node 2: node 1 hears it off.
        Assert.True((await _cluster[2].ReactAsync(bob, message.Id, "🎉", on: true)).Succeeded);
        Assert.True((await _cluster[1].ReactAsync(alice, message.Id, "🎉", on: false)).Succeeded);
        var off = await carolSees.WaitForAsync<ReactionEvent>(r => !r.On);
        Assert.Equal("alice", off.User);
    }
}
