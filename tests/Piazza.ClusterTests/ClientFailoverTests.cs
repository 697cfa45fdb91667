using Piazza.Client;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>The client library given every node: when its node dies it resumes on another with no gap and no duplicate.</summary>
[Collection(ClusterCollection.Name)]
public class ClientFailoverTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_whose_node_is_SIGKILLed_resumes_on_the_next_node_and_sees_every_seq_once()
    {
        const int Messages = 300;
        const int KillAfter = 100;
        var room = ClusterFixture.Unique("relay");
        var listener = ClusterFixture.Unique("listener");
        try
        {
            await using (var registering = await cluster.Node(1).RegisterAsync(listener))
            {
                await ProtocolSteps.JoinRoomAsync(registering, room);
            }

            await using var sender = await cluster.Node(3).RegisterAsync(ClusterFixture.Unique("talker"));
            await ProtocolSteps.JoinRoomAsync(sender, room);

            var options = new PiazzaClientOptions
            {
                User = listener,
                Password = ProtocolSteps.Password,
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(400),
            }.WithServers([.. cluster.Nodes.Select(n => n.TcpEndPoint)]);
            await using var client = new PiazzaClient(options);
            await client.ConnectAsync();

            var seqs = new List<long>();
            var replayed = 0;
            var reconnected = false;
            var sending = Task.Run(async () =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    await ProtocolSteps.SendOkAsync(sender, room, $"m{i}", $"m{i}");
                }
            });

            using var deadline = new CancellationTokenSource(Timeout);
            while (seqs.Count < Messages)
            {
                switch (await client.Events.ReadAsync(deadline.Token))
                {
                    case MessageReceived { Message: var message, Replayed: var wasReplayed } when string.Equals(message.Conversation, room, StringComparison.OrdinalIgnoreCase):
                        seqs.Add(message.Seq);
                        replayed += wasReplayed ? 1 : 0;
                        if (seqs.Count == KillAfter)
                        {
                            // The client was given node 1 first, so that is where it is connected.
                            await cluster.Node(1).KillAsync();
                        }

                        break;
                    case Welcomed { Reconnected: true }:
                        reconnected = true;
                        break;
                }
            }

            await sending.WaitAsync(Timeout);
            Assert.True(reconnected, "the client never reconnected: it was not on node 1, or did not notice its death");
            Assert.Equal(ProtocolSteps.Range(1, Messages), seqs);
            Assert.Equal(ConnectionState.Connected, client.State);
            Assert.InRange(replayed, 0, Messages - KillAfter);
        }
        finally
        {
            await cluster.HealAsync();
        }
    }
}
