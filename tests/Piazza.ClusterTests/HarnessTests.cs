using System.Net.Sockets;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tests.Shared;

namespace Piazza.ClusterTests;

/// <summary>
/// The harness itself, without the cluster options: the processes the cluster tests stand on start, die and come back
/// where their clients expect them. If one of these fails, a cluster test's failure says nothing about the server.
/// </summary>
public class HarnessTests
{
    [Fact]
    public async Task Redis_killed_refuses_connections_and_restarted_answers_on_the_same_port()
    {
        await using var redis = await RedisProcess.StartAsync();
        var port = redis.Port;

        await redis.KillAsync();
        Assert.False(redis.IsRunning);
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
        });

        await redis.RestartAsync();
        Assert.True(redis.IsRunning);
        Assert.Equal($"127.0.0.1:{port}", redis.Configuration);
    }

    [Fact]
    public async Task Postgres_keeps_a_fresh_databases_rows_across_a_restart_on_the_same_port()
    {
        await using var postgres = await PostgresProcess.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("harness");
        var database = connection.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        await postgres.QueryAsync(database, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");

        await postgres.RestartAsync();

        Assert.Equal("42", (await postgres.QueryAsync(database, "SELECT n FROM kept")).Trim());
        Assert.Contains($"Port={postgres.Port}", connection, StringComparison.Ordinal);
        var other = await postgres.CreateDatabaseAsync("harness");
        Assert.NotEqual(connection, other);
    }

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
