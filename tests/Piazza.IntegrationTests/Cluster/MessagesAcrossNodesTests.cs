using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// The message path across nodes (<see cref="InProcessCluster"/>: two hubs on one SQLite file, the store assigning
/// seqs, a loopback bus): every member sees 1, 2, 3, … exactly once whatever node sent each message, a lost signal is
/// read from the store, a repeated client id is stored once whichever node it reaches.
/// </summary>
public sealed class MessagesAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    // Flood limits off: these tests send as fast as they can on purpose (LimitsTests prove the limits).
    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions
    {
        PasswordIterations = 1000,
        Flood = new Piazza.Core.Limits.FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 },
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Concurrent_sends_from_two_nodes_reach_members_on_both_in_one_gap_free_order()
    {
        var (aliceSees, alice) = await _cluster.GuestAsync(1, "alice");
        var (bobSees, bob) = await _cluster.GuestAsync(2, "bob");
        const int perNode = 100;

        var sends = Enumerable.Range(0, perNode).SelectMany(i => new[]
        {
            SendAsync(1, alice, $"a{i}"),
            SendAsync(2, bob, $"b{i}"),
        });
        var seqs = (await Task.WhenAll(sends)).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 2 * perNode).Select(i => (long)i), seqs);

        foreach (var sees in new[] { aliceSees, bobSees })
        {
            await sees.WaitForAsync<MessageEvent>(m => m.Seq == 2 * perNode);
            var delivered = sees.Received.OfType<MessageEvent>().Where(m => m.Conversation == ChatHub.LobbyName).Select(m => m.Seq).ToArray();
            Assert.Equal(Enumerable.Range(1, 2 * perNode).Select(i => (long)i), delivered);
        }
    }

    [Fact]
    public async Task A_message_whose_signal_was_lost_while_the_bus_was_cut_reaches_the_other_node_when_it_returns()
    {
        var (_, alice) = await _cluster.GuestAsync(1, "alice");
        var (bobSees, _) = await _cluster.GuestAsync(2, "bob");
        _cluster.Network.Cut();
        var seq = await SendAsync(1, alice, "sent while the bus was down");
        Assert.DoesNotContain(bobSees.Received.OfType<MessageEvent>(), m => m.Seq == seq);

        _cluster.Network.Restore();
        var heard = await bobSees.WaitForAsync<MessageEvent>(m => m.Seq == seq);
        Assert.Equal("sent while the bus was down", heard.Text);
    }

    [Fact]
    public async Task A_later_message_after_a_lost_signal_is_held_until_the_missing_one_is_read_from_the_store()
    {
        var (_, alice) = await _cluster.GuestAsync(1, "alice");
        var (bobSees, _) = await _cluster.GuestAsync(2, "bob");
        _cluster.Network.Cut();
        var lost = await SendAsync(1, alice, "lost signal");
        _cluster.Network.ResumeSilently();
        var next = await SendAsync(1, alice, "next");

        await bobSees.WaitForAsync<MessageEvent>(m => m.Seq == next);
        var delivered = bobSees.Received.OfType<MessageEvent>().Where(m => m.Conversation == ChatHub.LobbyName).Select(m => m.Seq).ToArray();
        Assert.Equal([lost, next], delivered[^2..]);
        Assert.Single(delivered, lost);
    }

    [Fact]
    public async Task A_send_repeated_with_its_client_id_on_another_node_is_stored_once()
    {
        var (_, first) = await _cluster.RegisterAsync(1, "carol");
        var (_, second) = await _cluster.LoginAsync(2, "carol");

        var original = await (await _cluster[1].SendAsync(first, null, null, "only once", "retry-1")).Value!.Completion;
        var repeated = await (await _cluster[2].SendAsync(second, null, null, "only once", "retry-1")).Value!.Completion;

        Assert.False(original.Value!.Duplicate);
        Assert.True(repeated.Value!.Duplicate);
        Assert.Equal(original.Value.Message.Seq, repeated.Value.Message.Seq);
        var stored = await _cluster[2].HistoryAsync(second, null, null, null, 0, 100, null);
        Assert.Single(stored.Value!.Messages, m => m.Text == "only once");
    }

    [Fact]
    public async Task A_private_message_from_node_1_reaches_its_recipient_on_node_2_and_the_reply_comes_back_live()
    {
        var (aliceSees, alice) = await _cluster.RegisterAsync(1, "alice");
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob");

        var sent = await (await _cluster[1].SendAsync(alice, null, "bob", "psst", null)).Value!.Completion;
        Assert.True(sent.Succeeded, sent.Error?.Message);

        // The conversation is new on node 2: it is loaded there and bob attached, and the message comes as live, as on
        // a node alone (an empty catch-up, then the message), not folded into the catch-up.
        var opened = await bobSees.WaitForAsync<MessageEvent>(m => m.Text == "psst");
        Assert.Equal(("alice", "bob"), (opened.From, opened.To));
        Assert.DoesNotContain(bobSees.Received.OfType<HistoryEvent>(), h => h.Messages.Any(m => m.Text == "psst"));
        var reply = await (await _cluster[2].SendAsync(bob, null, "alice", "what?", null)).Value!.Completion;
        Assert.True(reply.Succeeded, reply.Error?.Message);
        var heard = await aliceSees.WaitForAsync<MessageEvent>(m => m.Text == "what?");
        Assert.Equal(sent.Value!.Message.Seq + 1, heard.Seq);
        Assert.Equal(sent.Value.Message.Conversation, heard.Conversation);
    }

    [Fact]
    public async Task Another_nodes_private_message_and_room_message_reach_nobody_on_this_node_who_may_not_read_them()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice");
        var (bobSees, _) = await _cluster.RegisterAsync(2, "bob");
        var (carolSees, carol) = await _cluster.GuestAsync(2, "carol");
        Assert.True((await _cluster[1].JoinAsync(alice, "secret")).Succeeded);
        Assert.True((await _cluster[2].JoinAsync(carol, "public")).Succeeded);

        var pm = await (await _cluster[1].SendAsync(alice, null, "bob", "for bob only", null)).Value!.Completion;
        var room = await (await _cluster[1].SendAsync(alice, "secret", null, "for #secret only", null)).Value!.Completion;
        Assert.True(pm.Succeeded && room.Succeeded);
        await bobSees.WaitForAsync<MessageEvent>(m => m.Text == "for bob only");

        // Node 2 handled both signals (the bus is drained): carol, on the node that delivered bob's copy, got neither.
        await _cluster.Network.DeliveredAsync();
        var carolGot = carolSees.Received.OfType<MessageEvent>().Select(m => m.Text)
            .Concat(carolSees.Received.OfType<HistoryEvent>().SelectMany(h => h.Messages).Select(m => m.Text));
        Assert.DoesNotContain("for bob only", carolGot);
        Assert.DoesNotContain("for #secret only", carolGot);
        var refused = await _cluster[2].HistoryAsync(carol, null, "alice", null, 0, 100, null);
        Assert.DoesNotContain(refused.Value?.Messages ?? [], m => m.Text == "for bob only");
    }

    private async Task<long> SendAsync(int node, ChatSession session, string text)
    {
        var pending = await _cluster[node].SendAsync(session, null, null, text, null);
        Assert.True(pending.Succeeded, pending.Error?.Message);
        var done = await pending.Value!.Completion;
        Assert.True(done.Succeeded, done.Error?.Message);
        return done.Value!.Message.Seq;
    }
}
