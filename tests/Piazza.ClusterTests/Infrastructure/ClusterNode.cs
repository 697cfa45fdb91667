using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// One Piazza server process of a <see cref="ClusterFixture"/>: the built piazza-server.dll with its own data folder
/// and <c>--node-id</c>, on ports chosen once so that <see cref="RestartAsync"/> brings it back where its clients
/// (and a client library given every node) look for it.
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private ChildProcess? _process;

    /// <summary>A node numbered <paramref name="number"/>; <paramref name="arguments"/> come after its own ports and data folder.</summary>
    internal ClusterNode(int number, string dataFolder, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        Number = number;
        NodeId = $"node{number}";
        DataFolder = dataFolder;
        Port = FreePort.Next();
        HttpPort = FreePort.Next();
        _environment = environment;
        _arguments =
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture),
            "--irc-port", "0",
            "--data", DataFolder,
            "--console", "false",
            .. arguments,
        ];
    }

    /// <summary>1, 2 or 3: the node's place in the fixture.</summary>
    public int Number { get; }

    /// <summary>What the fixture passes as <c>--node-id</c>: <c>node1</c>, <c>node2</c>, …</summary>
    public string NodeId { get; }

    public string DataFolder { get; }

    /// <summary>The native JSON-lines door.</summary>
    public int Port { get; }

    public int HttpPort { get; }

    public IPEndPoint TcpEndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The HTTP door: web page, WebSocket <c>/ws</c>, REST <c>/api</c>, <c>/healthz</c>.</summary>
    public Uri HttpBase => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{HttpPort}/"));

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id while it runs (for a benchmark or a test that reads /proc).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"{NodeId} is not running");

    /// <summary>The node's last output lines (both streams), for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? "";

    /// <summary>Starts the process; returns once both doors listen and <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var info = ServerProcess.DescribeCommand([.. _arguments]);
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        // The new process replaces the old one before that is disposed: clients ask IsRunning at any moment.
        var exited = _process;
        _process = ChildProcess.Start(info);
        exited?.Dispose();
        await _process.WaitForLineAsync(l => HttpListeningLine().IsMatch(l), StartTimeout, $"{NodeId} listened on HTTP").ConfigureAwait(false);
        await WaitHealthyAsync().ConfigureAwait(false);
    }

    /// <summary>SIGKILL: no shutdown code runs, its connections drop, whatever it had not made durable is its to lose.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.KillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process if it runs and starts it again on the same ports and data folder.</summary>
    public async Task RestartAsync()
    {
        await KillAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>A connection to the native door (not yet welcomed).</summary>
    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(Port);

    /// <summary>A WebSocket connection to <c>/ws</c> (not yet welcomed).</summary>
    public Task<RawClient> ConnectWebSocketAsync() => RawClient.ConnectWebSocketAsync(HttpBase);

    /// <summary>A guest on the native door; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    public async Task<RawClient> GuestAsync(string user) => (await RawClient.JoinAsync(Port, user)).Client;

    /// <summary>A guest on the WebSocket door.</summary>
    public async Task<RawClient> WebSocketGuestAsync(string user) => (await RawClient.HelloAsync(await ConnectWebSocketAsync(), user)).Client;

    /// <summary>Registers an account over the native door; the welcome (with its token) is on <see cref="RawClient.Welcome"/>.</summary>
    public async Task<RawClient> RegisterAsync(string user) => (await ProtocolSteps.RegisterAsync(Port, user)).Client;

    /// <summary>Logs in with the test password over the native door.</summary>
    public async Task<RawClient> LoginAsync(string user) => (await ProtocolSteps.LoginAsync(Port, user)).Client;

    /// <summary>An HTTP client on this node's HTTP door, sending <paramref name="token"/> as a bearer token when given.</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        var http = new HttpClient { BaseAddress = HttpBase, Timeout = RawClient.DefaultTimeout };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{NodeId} (tcp {Port}, http {HttpPort})";

    private async Task WaitHealthyAsync()
    {
        using var http = CreateHttpClient();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var answer = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).ConfigureAwait(false);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // listening was announced, so this is a transient refusal; retried below until the deadline
            }

            if (!IsRunning || watch.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"{this} never answered /healthz with 200; its output:\n{RecentOutput}");
            }

            // /healthz may report degraded while the node's first connection to Redis or PostgreSQL completes.
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    [GeneratedRegex(@"Web client on http://[^/]+:\d+/")]
    private static partial Regex HttpListeningLine();
}
