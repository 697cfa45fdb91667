using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// A send whose append committed while its node heard a failure (a connection lost as COMMIT's answer came back):
/// the client was told <c>unavailable</c> and sends again with its id, and the store answers that it has the message.
/// The acknowledged message must then reach every member on every node, and history, like any other.
/// </summary>
public sealed class UnheardCommitTests
{
    [Fact]
    public async Task A_message_stored_while_its_node_heard_a_failure_reaches_every_node_once_the_resend_finds_it()
    {
        LostCommitStore node1 = null!;
        await using var cluster = await InProcessCluster.StartAsync(
            options: new ChatHubOptions { PasswordIterations = 1000 },
            storeOf: (node, store) =>
            {
                if (node != 1)
                {
                    return store;
                }

                (var wrapped, node1) = LostCommitStore.Wrap(store);
                return wrapped;
            });
        var (carolSees, carol) = await cluster.RegisterAsync(1, "carol");
        var (daveSees, _) = await cluster.GuestAsync(1, "dave");
        var (bobSees, bob) = await cluster.GuestAsync(2, "bob");

        node1.LoseNextAnswer();
        var first = await (await cluster[1].SendAsync(carol, null, null, "stored unheard", "unheard-1")).Value!.Completion;
        Assert.Equal(ErrorCode.Unavailable, first.Error?.Code);
        Assert.Equal(1, node1.Lost);

        var resent = await (await cluster[1].SendAsync(carol, null, null, "stored unheard", "unheard-1")).Value!.Completion;
        Assert.True(resent.Succeeded, resent.Error?.Message);
        Assert.True(resent.Value!.Duplicate);
        var seq = resent.Value.Message.Seq;

        foreach (var (who, sees) in new[] { ("carol on node 1", carolSees), ("dave on node 1", daveSees), ("bob on node 2", bobSees) })
        {
            var heard = await sees.WaitForAsync<MessageEvent>(m => m.Conversation == ChatHub.LobbyName && m.Seq == seq);
            Assert.True(heard.Text == "stored unheard", $"{who} heard seq {seq} as \"{heard.Text}\"");
        }

        var history = await cluster[2].HistoryAsync(bob, null, null, null, seq - 1, 10, null);
        Assert.Equal(["stored unheard"], history.Value!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task History_on_another_node_ends_at_what_that_node_delivered_until_the_messages_signal_reaches_it()
    {
        // Why a reader on another node waits for delivery before it expects an acknowledged message in history.
        await using var cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });
        var (_, alice) = await cluster.GuestAsync(1, "alice");
        var (bobSees, bob) = await cluster.GuestAsync(2, "bob");
        cluster.Network.Cut();

        var sent = await (await cluster[1].SendAsync(alice, null, null, "acknowledged on node 1", null)).Value!.Completion;
        var seq = sent.Value!.Message.Seq;
        var before = await cluster[2].HistoryAsync(bob, null, null, null, seq - 1, 10, null);
        Assert.Empty(before.Value!.Messages);

        cluster.Network.Restore();
        await bobSees.WaitForAsync<MessageEvent>(m => m.Seq == seq);
        var after = await cluster[2].HistoryAsync(bob, null, null, null, seq - 1, 10, null);
        Assert.Equal(["acknowledged on node 1"], after.Value!.Messages.Select(m => m.Text));
    }
}
