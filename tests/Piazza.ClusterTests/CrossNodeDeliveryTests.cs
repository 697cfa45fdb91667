using System.Text.Json.Nodes;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>One room, three nodes, three doors: every member sees the same messages in the same gap-free order.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodeDeliveryTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Concurrent_sends_over_TCP_on_node_1_WebSocket_on_node_2_and_REST_on_node_3_reach_everyone_in_one_gapless_order()
    {
        const int PerSender = 40;
        var room = ClusterFixture.Unique("hall");
        await using var tcp = await cluster.Node(1).RegisterAsync(ClusterFixture.Unique("tcpann"));
        await using var webSocket = await cluster.Node(2).RegisterOverWebSocketAsync(ClusterFixture.Unique("wsbo"));
        var restToken = await cluster.Node(3).RegisterOverHttpAsync(ClusterFixture.Unique("restcy"));
        await ProtocolSteps.JoinRoomAsync(tcp, room);
        await ProtocolSteps.JoinRoomAsync(webSocket, room);
        await cluster.Node(3).JoinWithTokenAsync(restToken, room);

        // Readers start first, so nothing they are owed waits in a socket while the senders run.
        var tcpHears = tcp.ReadMessagesAsync(room, 3 * PerSender);
        var webSocketHears = webSocket.ReadMessagesAsync(room, 3 * PerSender);
        var restPosts = Task.Run(async () =>
        {
            var seqs = new List<long>();
            for (var i = 0; i < PerSender; i++)
            {
                seqs.Add((await cluster.Node(3).PostOverHttpAsync(restToken, room, $"rest {i}", $"rest-{i}")).Seq());
            }

            return seqs;
        });

        // The line senders write without waiting for their oks (the oks arrive among the messages and are skipped).
        for (var i = 0; i < PerSender; i++)
        {
            await tcp.SendAsync(new { type = "send", room, text = $"tcp {i}", id = $"tcp-{i}" });
            await webSocket.SendAsync(new { type = "send", room, text = $"ws {i}", id = $"ws-{i}" });
        }

        var heardOnOne = await tcpHears;
        var heardOnTwo = await webSocketHears;
        var restAcks = await restPosts;
        var stored = await cluster.Node(3).HistoryOverHttpAsync(restToken, room);

        var everything = ProtocolSteps.Range(1, 3 * PerSender);
        Assert.Equal(everything, heardOnOne.Select(m => m.Seq()));
        Assert.Equal(everything, heardOnTwo.Select(m => m.Seq()));
        Assert.Equal(everything, stored.Select(m => m.Seq()));

        // The same message at the same seq everywhere, and each sender's messages in the order it sent them.
        Assert.Equal(Ids(stored), Ids(heardOnOne));
        Assert.Equal(Ids(stored), Ids(heardOnTwo));
        foreach (var sender in new[] { "tcp ", "ws ", "rest " })
        {
            var texts = stored.Select(m => m.Str("text")!).Where(t => t.StartsWith(sender, StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerSender).Select(i => sender + i), texts);
        }

        Assert.Equal(restAcks, stored.Where(m => m.Str("text")!.StartsWith("rest ", StringComparison.Ordinal)).Select(m => m.Seq()));
    }

    private static List<string> Ids(List<JsonObject> messages) => [.. messages.Select(m => m.Str("id")!)];
}
