using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Group conversations across nodes (<see cref="InProcessCluster"/>): live delivery, and resume on another node.</summary>
public sealed class GroupsAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_group_message_sent_on_node_1_reaches_carol_on_node_2_live_and_on_resume_and_not_dave()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice");
        var (bobSees, _) = await _cluster.RegisterAsync(1, "bob");
        var (carolSees, carol) = await _cluster.RegisterAsync(2, "carol");
        var (daveSees, _) = await _cluster.RegisterAsync(2, "dave");

        var first = await (await _cluster[1].SendToGroupAsync(alice, ["bob", "carol"], "hello group", null, null)).Value!.Completion;
        Assert.True(first.Succeeded, first.Error?.Message);
        Assert.Equal("@alice,bob,carol", first.Value!.Message.Conversation);
        var live = await carolSees.WaitForAsync<MessageEvent>(m => m.Text == "hello group");
        Assert.Equal(("@alice,bob,carol", "alice", "bob,carol", 1L), (live.Conversation, live.From, live.To, live.Seq));
        await bobSees.WaitForAsync<MessageEvent>(m => m.Text == "hello group");

        // carol answers from node 2: it reaches alice's node in the same conversation.
        var reply = await (await _cluster[2].SendToGroupAsync(carol, ["alice", "bob"], "from node 2", null, null)).Value!.Completion;
        Assert.Equal(("@alice,bob,carol", 2L), (reply.Value!.Message.Conversation, reply.Value.Message.Seq));
        await bobSees.WaitForAsync<MessageEvent>(m => m.Text == "from node 2");

        // carol leaves; two more are sent on node 1; she comes back on node 2 resuming after seq 2.
        _cluster[2].Disconnect(carol, LeaveReason.Quit);
        foreach (var text in new[] { "while away 1", "while away 2" })
        {
            var sent = await (await _cluster[1].SendToGroupAsync(alice, ["carol", "bob"], text, null, null)).Value!.Completion;
            Assert.True(sent.Succeeded, sent.Error?.Message);
        }

        await _cluster.Network.DeliveredAsync();
        var back = new HubTestConnection();
        var resume = new Dictionary<string, long> { ["@alice,bob,carol"] = 2 };
        var hello = await _cluster[2].HelloAsync(back, new HelloRequest("carol", InProcessCluster.DefaultPassword, null, resume, "127.0.0.1"));
        Assert.True(hello.Succeeded, hello.Error?.Message);
        var caughtUp = await back.WaitForAsync<HistoryEvent>(h => h.Room == "@alice,bob,carol");
        Assert.Equal([3L, 4L], caughtUp.Messages.Select(m => m.Seq));

        await _cluster.Network.DeliveredAsync();
        Assert.DoesNotContain(daveSees.Received, e => e is MessageEvent { Conversation: "@alice,bob,carol" } or HistoryEvent { Room: "@alice,bob,carol" });
    }
}
