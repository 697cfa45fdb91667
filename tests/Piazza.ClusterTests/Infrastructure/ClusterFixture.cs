using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tests.Shared;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A real cluster: one redis-server, one PostgreSQL (a fresh database per fixture), and three piazza-server
/// processes on free loopback ports, each with its own data folder and <c>--node-id</c>, sharing <c>--postgres</c>,
/// <c>--redis</c> and one <c>--files-dir</c>. Rate limits are off (tests send fast from 127.0.0.1).
/// <para>
/// Adding a feature's cross-node test takes a few lines: put the class in the shared cluster's collection, take the
/// fixture, use a node's door, and name people with <see cref="Unique"/> (the database lives as long as the
/// collection, so names and rooms from other tests are there too):
/// <code>
/// [Collection(ClusterCollection.Name)]
/// public class ReadPositionsAcrossNodesTests(ClusterFixture cluster)
/// {
///     [Fact]
///     public async Task A_read_position_set_on_node_1_is_seen_on_node_3()
///     {
///         var name = cluster.Unique("ann");
///         await using var onOne = await cluster.Node(1).RegisterAsync(name);
///         await using var onThree = await cluster.Node(3).LoginAsync(name);
///         ...
///     }
/// }
/// </code>
/// A test that kills or restarts something (<see cref="ClusterNode.KillAsync"/>, <see cref="ClusterNode.RestartAsync"/>,
/// <see cref="Redis"/>, <see cref="Postgres"/>) calls <see cref="HealAsync"/> in a <c>finally</c> so the next test finds
/// every part running; a test that may leave the cluster unusable gets a cluster of its own with a collection whose
/// fixture derives from this class (see <see cref="FaultClusterCollection"/>). Tests in this assembly run one at a
/// time: three servers already share two cores.
/// </para>
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const int NodeCount = 3;
    private static int _names;
    private readonly List<ClusterNode> _nodes = [];
    private string? _root;

    public RedisProcess Redis { get; private set; } = null!;

    public PostgresProcess Postgres { get; private set; } = null!;

    /// <summary>What every node's <c>--postgres</c> says (this fixture's own database).</summary>
    public string PostgresConnectionString { get; private set; } = "";

    /// <summary>The database's name (for a test that looks into the store with <see cref="PostgresProcess.ConnectionString"/>).</summary>
    public string DatabaseName { get; private set; } = "";

    /// <summary>The folder every node's <c>--files-dir</c> names.</summary>
    public string FilesFolder { get; private set; } = "";

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The node numbered <paramref name="number"/> (1-based, as in "node 1").</summary>
    public ClusterNode Node(int number) => _nodes[number - 1];

    /// <summary>A name no other test of this run uses: <paramref name="prefix"/> and a number (user and room names both allow it).</summary>
    public static string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _names)}";

    /// <summary>
    /// Environment every node starts with: the integration tests' rate limits off (<see cref="TestLimits.Off"/>) and a
    /// cheap password hash. A derived fixture adds or overrides entries.
    /// </summary>
    protected virtual IDictionary<string, string> NodeEnvironment()
    {
        var environment = new TestServerOptions().ToSettings().ToDictionary(s => "PIAZZA_" + s.Key.ToUpperInvariant(), s => s.Value);
        environment["PIAZZA_PASSWORDITERATIONS"] = "1000";
        return environment;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartEverythingAsync();
        }
        catch
        {
            // A part that failed to start must not leave the others running behind the failed test.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartEverythingAsync()
    {
        _root = Directory.CreateTempSubdirectory("piazza-cluster-").FullName;
        FilesFolder = Directory.CreateDirectory(Path.Combine(_root, "files")).FullName;
        Redis = await RedisProcess.StartAsync();

        // A PostgreSQL server of the fixture's own (not the run's shared one): its tests may stop and restart it.
        Postgres = await PostgresProcess.StartNewAsync();
        DatabaseName = Unique("cluster");
        PostgresConnectionString = await Postgres.CreateDatabaseAsync(DatabaseName);

        string[] shared = ["--postgres", PostgresConnectionString, "--redis", Redis.Configuration, "--files-dir", FilesFolder];
        var environment = NodeEnvironment().AsReadOnly();
        for (var number = 1; number <= NodeCount; number++)
        {
            _nodes.Add(new ClusterNode(number, Path.Combine(_root, $"node{number}"), ["--node-id", $"node{number}", .. shared], environment));
        }

        // Together, as an operator's service manager would: the store's migrations must run once under their lock.
        await Task.WhenAll(_nodes.Select(n => n.StartAsync()));
    }

    /// <summary>Starts whatever a test stopped: PostgreSQL, redis-server, then every node that is not running.</summary>
    public async Task HealAsync()
    {
        try
        {
            await Postgres.AdminAsync("SELECT 1");
        }
        catch (Npgsql.NpgsqlException)
        {
            await Postgres.StartAsync();
        }

        if (!Redis.IsRunning)
        {
            await Redis.RestartAsync();
        }

        await Task.WhenAll(_nodes.Where(n => !n.IsRunning).Select(n => n.StartAsync()));
    }

    /// <summary>Every node's recent output, for a failure message that must show what the servers said.</summary>
    public string Diagnostics()
        => string.Join("\n", _nodes.Select(n => $"--- {n}\n{n.RecentOutput}")) + $"\n--- PostgreSQL log: {Postgres.LogPath}";

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
            Redis = null!;
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
            Postgres = null!;
        }

        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
            _root = null;
        }
    }
}

/// <summary>The cluster most cross-node tests share (created once for the collection).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

/// <summary>A cluster of its own for the fault-injection test, so that whatever it leaves behind harms no other test.</summary>
public sealed class FaultCluster : ClusterFixture;

[CollectionDefinition(Name)]
public sealed class FaultClusterCollection : ICollectionFixture<FaultCluster>
{
    public const string Name = "Cluster under faults";
}
