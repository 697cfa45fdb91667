using System.Net.Sockets;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>
/// The harness itself, without the cluster options: a node process starts, dies and comes back where its clients
/// expect it (redis-server and PostgreSQL are tested with their fixtures in the integration tests). If this fails, a
/// cluster test's failure says nothing about the server.
/// </summary>
public class HarnessTests
{
    [Fact]
    public async Task A_node_killed_with_SIGKILL_comes_back_on_its_ports_with_its_data()
    {
        var data = Directory.CreateTempSubdirectory("piazza-node-").FullName;
        var environment = new Dictionary<string, string> { ["PIAZZA_PASSWORDITERATIONS"] = "1000" };
        await using var node = new ClusterNode(1, Path.Combine(data, "node1"), [], environment);
        try
        {
            await node.StartAsync();
            var name = ClusterFixture.Unique("harness");
            await using (var first = await node.RegisterAsync(name))
            {
                Assert.Equal(name, first.Welcome.Str("user"));
            }

            await node.KillAsync();
            Assert.False(node.IsRunning);
            await Assert.ThrowsAnyAsync<SocketException>(node.ConnectAsync);

            await node.RestartAsync();
            await using var again = await node.LoginAsync(name);
            Assert.Equal(name, again.Welcome.Str("user"));
            await using var webSocket = await node.WebSocketGuestAsync(ClusterFixture.Unique("guest"));
            Assert.Equal("welcome", webSocket.Welcome.Type());
        }
        finally
        {
            await node.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
