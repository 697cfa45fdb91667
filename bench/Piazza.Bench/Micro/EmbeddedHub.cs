using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Piazza.Core;
using Piazza.Core.Limits;
using Piazza.Server.Doors.JsonLines;
using Piazza.Server.Options;
using Piazza.Storage.Sqlite;

namespace Piazza.Bench.Micro;

/// <summary>
/// The server without a socket (as Garnet benchmarks itself): a real <see cref="ChatHub"/> on a SQLite store in a temp
/// folder, and real <see cref="JsonLinesConnection"/>s whose transport is a pair of in-memory pipes.
/// </summary>
internal sealed class EmbeddedHub : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _folder;
    private readonly SqliteChatStore _store;
    private readonly ConnectionOptions _options = new();
    private readonly JsonLinesEventEncoder _encoder = new("bench");
    private readonly List<PipeClient> _clients = [];
    private readonly BlockPool _blocks = new();

    private EmbeddedHub(string folder, SqliteChatStore store, ChatHub hub)
    {
        _folder = folder;
        _store = store;
        Hub = hub;
    }

    public ChatHub Hub { get; }

    /// <summary>A hub with production settings except flood limits (the benchmark sends as fast as it can on purpose).</summary>
    public static async Task<EmbeddedHub> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("piazza-bench-").FullName;
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(folder, "piazza.db") });
        var noFloodLimits = new FloodLimits { MessagesPerSecond = 0, AccountMessagesPerSecond = 0, FramesPerSecond = 0 };
        var hub = new ChatHub(store, new ChatHubOptions { Flood = noFloodLimits, HistoryOnJoin = 0 }, TimeProvider.System);
        await hub.InitializeAsync().ConfigureAwait(false);
        return new EmbeddedHub(folder, store, hub);
    }

    /// <summary>Opens a connection, says hello as a guest and waits for the welcome.</summary>
    public async Task<PipeClient> ConnectAsync(string user, DeliveryCountdown? deliveries)
    {
        var pipeOptions = new PipeOptions(pool: _blocks);
        var toServer = new Pipe(pipeOptions);
        var toClient = new Pipe(pipeOptions);
        var connection = new JsonLinesConnection(
            new DuplexPipe(toServer.Reader, toClient.Writer), $"127.0.0.1:{_clients.Count + 1}", () => toServer.Reader.CancelPendingRead(), "tcp", Hub, _options, _encoder, NullLogger.Instance);
        var client = new PipeClient(connection, toServer.Writer, toClient.Reader, deliveries);
        _clients.Add(client);
        await client.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"hello\",\"user\":\"{user}\",\"protocol\":1}}\n")).ConfigureAwait(false);
        await client.Welcomed.WaitAsync(Deadline).ConfigureAwait(false);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Hub.Shutdown("benchmark done");
        await Task.WhenAll(_clients.Select(c => c.StopAsync())).WaitAsync(Deadline).ConfigureAwait(false);
        await Hub.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _blocks.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>Counts deliveries of one message down to zero; the benchmark awaits <see cref="Task"/>.</summary>
internal sealed class DeliveryCountdown
{
    private int _remaining;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _done.Task;

    /// <summary>Expects <paramref name="count"/> deliveries from now on.</summary>
    public void Arm(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
    }

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }
}
