using Piazza.Core;
using Piazza.Core.Online;
using Piazza.Core.Ports;
using Piazza.Core.Storage;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Several <see cref="ChatHub"/>s in one process as the nodes of one cluster: one real SQLite file (a store instance
/// per hub on the same path), one <see cref="InProcessNameClaims"/>, and a <see cref="LoopbackClusterNetwork"/>
/// member each, with the store assigning seqs. For cross-node behaviour of the core without processes or sockets;
/// the cluster fixture proves the same over real Redis and PostgreSQL.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly List<SqliteChatStore> _stores = [];
    private readonly List<ChatHub> _hubs = [];

    private InProcessCluster(string folder) => _folder = folder;

    public LoopbackClusterNetwork Network { get; } = new();

    public InProcessNameClaims Claims { get; } = new();

    public string DatabasePath => Path.Combine(_folder, "cluster.db");

    public IReadOnlyList<ChatHub> Hubs => _hubs;

    /// <summary>Node <paramref name="node"/>, counted from 1 as in the docs ("node 1", "node 2").</summary>
    public ChatHub this[int node] => _hubs[node - 1];

    /// <summary>
    /// Starts <paramref name="nodes"/> hubs, initialised one after another (as nodes starting on one store);
    /// <paramref name="storeOf"/> may put a faulty store in front of a node's (by node number, from 1).
    /// </summary>
    public static async Task<InProcessCluster> StartAsync(int nodes = 2, ChatHubOptions? options = null, TimeProvider? time = null, Func<int, IChatStore, IChatStore>? storeOf = null)
    {
        var cluster = new InProcessCluster(Directory.CreateTempSubdirectory("piazza-cluster-").FullName);
        try
        {
            for (var node = 1; node <= nodes; node++)
            {
                var store = new SqliteChatStore(new SqliteStoreOptions { Path = cluster.DatabasePath });
                cluster._stores.Add(store);
                var ports = new HubPorts { Bus = cluster.Network.Join($"node{node}"), Claims = cluster.Claims, SeqAssignedByStore = true };
                var hub = new ChatHub(storeOf?.Invoke(node, store) ?? store, options ?? new ChatHubOptions { PasswordIterations = 1000 }, time ?? TimeProvider.System, ports: ports);
                cluster._hubs.Add(hub);
                await hub.InitializeAsync();
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A guest connected to node <paramref name="node"/>: what its connection receives, and its session.</summary>
    public async Task<(HubTestConnection Sees, ChatSession Session)> GuestAsync(int node, string name)
    {
        var connection = new HubTestConnection();
        var result = await this[node].HelloAsync(connection, new HelloRequest(name, null, null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    /// <summary>Registers an account on node <paramref name="node"/> and logs that connection in as it.</summary>
    public async Task<(HubTestConnection Sees, ChatSession Session)> RegisterAsync(int node, string name, string password = DefaultPassword)
    {
        var connection = new HubTestConnection();
        var result = await this[node].RegisterAsync(connection, name, password);
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    /// <summary>Another device of an existing account, on node <paramref name="node"/>.</summary>
    public async Task<(HubTestConnection Sees, ChatSession Session)> LoginAsync(int node, string name, string password = DefaultPassword)
    {
        var connection = new HubTestConnection();
        var result = await this[node].HelloAsync(connection, new HelloRequest(name, password, null, null, "127.0.0.1"));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (connection, result.Value!);
    }

    public const string DefaultPassword = "correct horse battery";

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        await Network.DisposeAsync();
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
