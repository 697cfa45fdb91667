using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Replies across nodes (<see cref="InProcessCluster"/>): a reply sent on node 1 reaches node 2 with its quote, a
/// reply on node 2 to a message node 2 holds is checked in memory, and a deletion on node 1 updates the quotes node 2
/// holds in its ring, so a later attacher there hears the quote as history from the store would tell it.
/// </summary>
public sealed class RepliesAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_reply_crosses_nodes_with_its_quote_and_a_deletion_on_node_1_updates_node_2s_held_quotes()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice");
        Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob");
        Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);

        var original = await SentAsync(_cluster[2].SendAsync(bob, "dev", null, "ship it?", null));
        var reply = await SentAsync(_cluster[1].SendReplyAsync(alice, "dev", null, null, "yes", null, null, original.Id));
        var heard = await bobSees.WaitForAsync<MessageEvent>(m => m.Id == reply.Id);
        Assert.Equal(new Piazza.Core.Replies.ReplyQuote(original.Id, original.Seq, "bob", "ship it?"), heard.Reply);

        // Node 2 answers a reply to a message of another conversation as the rule says, whichever node stored it.
        Assert.True((await _cluster[2].JoinAsync(bob, "ops")).Succeeded);
        var across = await _cluster[2].SendReplyAsync(bob, "ops", null, null, "x", null, null, original.Id);
        Assert.Equal(ErrorCode.BadRequest, across.Error?.Code);

        var deleted = await _cluster[1].DeleteMessageAsync(alice, "dev", original.Id);
        Assert.True(deleted.Succeeded, deleted.Error?.Message);
        await bobSees.WaitForAsync<DeletedEvent>(e => e.MessageId == original.Id);
        Assert.Equal(ErrorCode.NoSuchMessage, (await _cluster[2].SendReplyAsync(bob, "dev", null, null, "x", null, null, original.Id)).Error?.Code);

        // A second device of bob's on node 2 resumes from the ring: the reply quotes a deleted message.
        var device = new HubTestConnection();
        var resume = new Dictionary<string, long> { ["dev"] = original.Seq };
        Assert.True((await _cluster[2].HelloAsync(device, new HelloRequest("bob", InProcessCluster.DefaultPassword, null, resume, "127.0.0.1"))).Succeeded);
        var replayed = (await device.WaitForAsync<HistoryEvent>(h => h.Room == "dev" && h.Messages.Any(m => m.Id == reply.Id))).Messages.Single(m => m.Id == reply.Id);
        Assert.True(replayed.Reply is { Deleted: true, Text: "" }, $"quote: {replayed.Reply}");
    }

    private static async Task<MessageEvent> SentAsync(Task<HubResult<PendingSend>> send)
    {
        var pending = await send;
        Assert.True(pending.Succeeded, pending.Error?.Message);
        var outcome = await pending.Value!.Completion;
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        return outcome.Value!.Message;
    }
}
