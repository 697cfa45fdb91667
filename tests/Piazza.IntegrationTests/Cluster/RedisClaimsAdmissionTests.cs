using System.Collections.Concurrent;
using Piazza.Cluster.Redis;
using Piazza.Core;
using Piazza.Core.Ports;
using Piazza.Protocol;
using Piazza.Storage.Sqlite;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Two hubs (nodes) on one SQLite file and one real redis-server: what a hello or a registration sees.</summary>
public sealed class RedisClaimsAdmissionTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-claims-").FullName;
    private readonly List<IAsyncDisposable> _owned = [];
    private RedisProcess _redis = null!;
    private ChatHub _node1 = null!;
    private ChatHub _node2 = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        _node1 = await StartNodeAsync("n1");
        _node2 = await StartNodeAsync("n2");
    }

    public async Task DisposeAsync()
    {
        // The hubs first (their connections give their names back), then the Redis links, then the stores.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<ChatHub> StartNodeAsync(string id)
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, id + ".db") });
        var cluster = await RedisCluster.ConnectAsync(_redis.Configuration, id, options: new RedisClusterOptions { OperationTimeout = TimeSpan.FromSeconds(1) });
        var hub = new ChatHub(store, new ChatHubOptions { PasswordIterations = 1000 }, TimeProvider.System, ports: new HubPorts { Claims = cluster.Claims });
        await hub.InitializeAsync();
        _owned.AddRange([store, cluster, hub]);
        return hub;
    }

    private static Task<HubResult<ChatSession>> HelloAsync(ChatHub hub, string name, IChatConnection? connection = null)
        => hub.HelloAsync(connection ?? new OpenConnection(), new HelloRequest(name, null, null, null, "127.0.0.1"));

    [Fact]
    public async Task A_guest_name_connected_on_one_node_is_taken_on_the_other()
    {
        Assert.True((await HelloAsync(_node1, "Alice")).Succeeded);

        var refused = await HelloAsync(_node2, "alice");

        Assert.Equal(ErrorCode.NameTaken, refused.Error?.Code);
        Assert.Equal(ErrorCode.NameConfusable, (await HelloAsync(_node2, "a1ice")).Error?.Code);
    }

    [Fact]
    public async Task While_redis_is_down_hello_and_register_answer_unavailable_and_the_connection_stays_open()
    {
        await _redis.KillAsync();
        var connection = new OpenConnection();

        var hello = await HelloAsync(_node1, "bob", connection);
        var register = await _node2.RegisterAsync(connection, "carol", "correct horse battery");

        Assert.Equal(ErrorCode.Unavailable, hello.Error?.Code);
        Assert.Equal(ErrorCode.Unavailable, register.Error?.Code);
        Assert.NotNull(hello.Error!.RetryAfter);
        Assert.Equal(0, connection.Closes);

        await _redis.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HubResult<ChatSession> again;
        while (!(again = await HelloAsync(_node1, "bob", connection)).Succeeded && again.Error!.Code == ErrorCode.Unavailable && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(again.Succeeded, again.Error?.Message);
    }

    /// <summary>A connection that keeps what it is sent and counts closes.</summary>
    private sealed class OpenConnection : IChatConnection
    {
        public ConcurrentQueue<ChatEvent> Received { get; } = new();

        public int Closes;

        public string Door => "test";

        public string RemoteEndPoint => "127.0.0.1:1";

        public string RemoteAddress => "127.0.0.1";

        public bool TryEnqueue(ChatEvent chatEvent)
        {
            Received.Enqueue(chatEvent);
            return true;
        }

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush) => Interlocked.Increment(ref Closes);
    }
}
