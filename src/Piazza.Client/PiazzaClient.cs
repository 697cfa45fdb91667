using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// A protocol v1 client: connects and says hello, sends requests and awaits their replies, delivers pushed
/// frames (messages, joins, leaves) through <see cref="Events"/>, and reconnects with backoff when the
/// connection is lost. Thread-safe.
/// </summary>
public sealed partial class PiazzaClient : IAsyncDisposable
{
    private readonly Channel<ServerFrame> _events = Channel.CreateUnbounded<ServerFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerFrame>> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Link? _link;
    private long _nextId;
    private int _state = (int)ConnectionState.Disconnected;
    private Task? _supervisor;

    public PiazzaClient(PiazzaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public PiazzaClientOptions Options { get; }

    /// <summary>Frames the server pushes: welcome (after each reconnect too), message, joined, left, shutdown.</summary>
    public ChannelReader<ServerFrame> Events => _events.Reader;

    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>The last welcome frame received.</summary>
    public ServerFrame? Welcome { get; private set; }

    /// <summary>Raised on every state change with a human-readable detail (e.g. why the connection was lost).</summary>
    public event Action<ConnectionState, string?>? StateChanged;

    /// <summary>
    /// Connects and says hello. Throws <see cref="PiazzaException"/> with the server's code (bad_name, name_taken, …)
    /// or <see cref="PiazzaException.Unreachable"/>. After success, a lost connection is re-established in the background.
    /// </summary>
    public async Task<ServerFrame> ConnectAsync(CancellationToken cancellationToken = default)
    {
        SetState(ConnectionState.Connecting, $"connecting to {Options.Host}:{Options.Port}");
        Link link;
        try
        {
            link = await OpenLinkAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SetState(ConnectionState.Disconnected, null);
            throw;
        }

        _supervisor = SuperviseAsync(link);
        return Welcome!;
    }

    /// <summary>Sends a message to a room; returns the server's <c>ok</c> (with <c>seq</c> and <c>msg</c>).</summary>
    public Task<ServerFrame> SendAsync(string text, string room = ProtocolConstants.Lobby, CancellationToken cancellationToken = default)
        => RequestAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text }, cancellationToken);

    /// <summary>Lists the users in a room.</summary>
    public async Task<IReadOnlyList<UserInfo>> WhoAsync(string room = ProtocolConstants.Lobby, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(new ClientFrame { Type = FrameTypes.Who, Room = room }, cancellationToken).ConfigureAwait(false);
        return reply.Users ?? [];
    }

    /// <summary>Round trip to the server.</summary>
    public Task<ServerFrame> PingAsync(CancellationToken cancellationToken = default)
        => RequestAsync(new ClientFrame { Type = FrameTypes.Ping }, cancellationToken);

    /// <summary>Sends a request frame (an id is assigned) and waits for the reply that names it.</summary>
    public async Task<ServerFrame> RequestAsync(ClientFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var link = _link ?? throw new PiazzaException(PiazzaException.ConnectionLost, "not connected");
        frame.Id ??= "c" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[frame.Id] = reply;
        try
        {
            await WriteAsync(link, frame, cancellationToken).ConfigureAwait(false);
            var answer = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return answer.Type == FrameTypes.Error
                ? throw new PiazzaException(answer.Code ?? "error", answer.Message ?? answer.Code ?? "error")
                : answer;
        }
        finally
        {
            _pending.TryRemove(frame.Id, out _);
        }
    }

    /// <summary>Says bye, waits briefly for the server to close, and stops reconnecting.</summary>
    public async Task CloseAsync()
    {
        if (State == ConnectionState.Closed)
        {
            return;
        }

        SetState(ConnectionState.Closed, "closed");
        var link = _link;
        if (link is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await WriteAsync(link, new ClientFrame { Type = FrameTypes.Bye }, timeout.Token).ConfigureAwait(false);
                await link.Reading.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
            {
                // closing anyway
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        link?.Dispose();
        if (_supervisor is not null)
        {
            await _supervisor.ConfigureAwait(false);
        }

        _events.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _writeLock.Dispose();
    }

    private async Task WriteAsync(Link link, ClientFrame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FrameCodec.WriteLine(link.Output, frame);
            await link.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void SetState(ConnectionState state, string? detail)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (previous == ConnectionState.Closed && state != ConnectionState.Closed)
        {
            Volatile.Write(ref _state, (int)ConnectionState.Closed); // closing is final
            return;
        }

        StateChanged?.Invoke(state, detail);
    }
}
