using Microsoft.Extensions.Logging.Abstractions;
using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Integrations.Webhooks;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Outgoing webhooks across nodes (<see cref="InProcessCluster"/>, one shared store): every node runs a delivery
/// worker, woken at once on each send, and the store's lease lets one deliver each message: once by the cluster, not
/// once per node.
/// </summary>
public sealed class WebhooksAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Messages_sent_on_either_node_are_delivered_once_by_the_cluster_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = new WebhookOptions { AllowedHosts = ["127.0.0.1"], RetryDelay = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(100) };
        var destinations = new WebhookDestinations(options.AllowedHosts);
        using var sender = new WebhookSender(destinations, TimeProvider.System);
        var workers = _cluster.Hubs.Select(hub => new OutgoingWebhookWorker(hub, sender, options, TimeProvider.System, NullLogger<OutgoingWebhookWorker>.Instance)).ToList();
        foreach (var worker in workers)
        {
            await worker.StartAsync(CancellationToken.None);
        }

        try
        {
            var (_, alice) = await _cluster.RegisterAsync(1, "alice");
            Assert.True((await _cluster[1].JoinAsync(alice, "dev")).Succeeded);
            var created = await _cluster[1].CreateOutgoingWebhookAsync(alice, "dev", receiver.Url.AbsoluteUri, null, destinations.Problem);
            Assert.True(created.Succeeded, created.Error?.Message);
            var (_, bob) = await _cluster.RegisterAsync(2, "bob");
            Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);

            var seqs = new List<long>();
            for (var i = 1; i <= 8; i++)
            {
                var (node, session) = i % 4 == 0 ? (1, alice) : (2, bob);
                var sent = await _cluster[node].SendAsync(session, "dev", null, $"message {i}", null);
                seqs.Add((await sent.Value!.Completion).Value!.Message.Seq);
                workers.ForEach(w => w.Wake()); // both nodes race for every message
            }

            var received = new List<long>();
            for (var i = 0; i < seqs.Count; i++)
            {
                received.Add(OutgoingDelivery(await receiver.NextAsync()));
            }

            Assert.Equal(seqs, received);

            // Once everything is delivered, the stored cursor is at the end: neither node has anything more to send.
            // The receiver has the last POST before its worker has saved the cursor: wait (bounded) for that save.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            var stored = (await _cluster[2].WebhookStore.OutgoingWebhooksAsync("dev")).Single();
            while (stored.Cursor != seqs[^1] && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                stored = (await _cluster[2].WebhookStore.OutgoingWebhooksAsync("dev")).Single();
            }

            Assert.Equal(seqs[^1], stored.Cursor);
            foreach (var worker in workers)
            {
                Assert.Null(await worker.RunOnceAsync(CancellationToken.None));
            }

            Assert.Equal(seqs.Count, receiver.All.Count);
            Assert.Equal(seqs.Count, receiver.All.Select(r => r.Header("X-Piazza-Delivery")).Distinct().Count());
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.StopAsync(CancellationToken.None);
            }
        }
    }

    private static long OutgoingDelivery(ReceivedRequest request)
        => System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["seq"]!.GetValue<long>();
}
