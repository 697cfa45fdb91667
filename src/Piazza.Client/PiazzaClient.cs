using System.Net.Sockets;
using System.Threading.Channels;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// A Piazza client: connects and says hello, sends messages and requests and returns their typed results, delivers
/// what the server pushes as typed <see cref="Events"/>, and reconnects with backoff (resuming every conversation
/// where it left off) when the connection is lost, going on to the next server of a cluster. Thread-safe.
/// </summary>
/// <remarks>
/// Every operation fails with <see cref="PiazzaException"/>. Requests made while the client reconnects wait for the
/// connection; a send whose answer was lost is repeated with the same id, which the server stores once.
/// </remarks>
public sealed partial class PiazzaClient : IAsyncDisposable
{
    private readonly Channel<PiazzaEvent> _events;
    private readonly Channel<ConnectionStateChanged> _stateNotices = Channel.CreateUnbounded<ConnectionStateChanged>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Set while this thread runs a <see cref="StateChanged"/> handler (one that closes the client must not wait for itself).</summary>
    [ThreadStatic]
    private static bool _inStateHandler;

    private Link? _link;

    /// <summary>The server of the last welcome: its HTTP door serves files (see <see cref="HttpBaseAddress"/>).</summary>
    private ServerEndpoint _welcomedBy;
    private int _state = (int)ConnectionState.Disconnected;
    private int _connectCalled;
    private long _droppedEvents;
    private Task? _supervisor;
    private Task? _notifier;

    /// <summary>Cancelled by <see cref="ReconnectNow"/>: the wait before the next reconnect attempt; null when there is none.</summary>
    private CancellationTokenSource? _reconnectWait;

    public PiazzaClient(PiazzaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EventCapacity, 1, nameof(options));
        Options = options;
        _welcomedBy = options.ServersToTry[0];
        _events = Channel.CreateBounded<PiazzaEvent>(
            new BoundedChannelOptions(options.EventCapacity) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _droppedEvents));
    }

    public PiazzaClientOptions Options { get; }

    /// <summary>
    /// What the server pushes (messages, presence, topics, moderation) and the connection's state changes, in arrival
    /// order. Bounded by <see cref="PiazzaClientOptions.EventCapacity"/>: when a reader falls that far behind, the oldest
    /// event is dropped (see <see cref="DroppedEvents"/>). Completes when the client is closed or gives up.
    /// </summary>
    public ChannelReader<PiazzaEvent> Events => _events.Reader;

    /// <summary>Events dropped because the reader of <see cref="Events"/> fell behind by a full buffer.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>Where the client stands now; every change is also a <see cref="ConnectionStateChanged"/> event.</summary>
    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>The server this client is connected to now; null while it is not connected (e.g. reconnecting).</summary>
    public ServerEndpoint? ConnectedServer => _link?.Server;

    /// <summary>What the server said in its last welcome; null before the first.</summary>
    public Welcome? Welcome { get; private set; }

    /// <summary>The session token from the last welcome (accounts only); reconnects use it instead of the password.</summary>
    public string? Token { get; private set; }

    /// <summary>
    /// Raised on every state change, after the change, on a thread of its own and in order: a slow or throwing handler
    /// delays or loses only its own notification, never the connection. (The same changes are also in <see cref="Events"/>.)
    /// </summary>
    public event EventHandler<ConnectionStateChanged>? StateChanged;

    /// <summary>
    /// Connects and says hello, to the first of <see cref="PiazzaClientOptions.Servers"/> that answers; after success a
    /// lost connection is re-established in the background (on the next server, when there are several). Throws
    /// <see cref="PiazzaException"/>: <see cref="PiazzaFailure.Refused"/> with the server's code (name taken, wrong password…),
    /// <see cref="PiazzaFailure.Unreachable"/> or <see cref="PiazzaFailure.TlsFailed"/>. A client connects once: calling
    /// this again after a success throws <see cref="InvalidOperationException"/> (it may be retried after a failure).
    /// </summary>
    public async Task<Welcome> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _connectCalled, 1) == 1)
        {
            throw new InvalidOperationException("ConnectAsync was already called on this client: it reconnects by itself; make a new client for another connection");
        }

        ObjectDisposedException.ThrowIf(State == ConnectionState.Closed, this);
        _notifier ??= NotifyStateHandlersAsync();
        SetState(ConnectionState.Connecting, $"connecting to {string.Join(", ", Options.ServersToTry)}");
        Link link;
        try
        {
            link = await OpenAnyLinkAsync(0, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SetState(ConnectionState.Disconnected, null);
            Volatile.Write(ref _connectCalled, 0);
            throw;
        }

        _supervisor = SuperviseAsync(link);
        return Welcome!;
    }

    /// <summary>Says bye, waits briefly for the server to close, and stops reconnecting. Pending requests fail.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
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
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
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
        _stateNotices.Writer.TryComplete();
        if (_notifier is not null && !_inStateHandler)
        {
            await _notifier.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _writeLock.Dispose();
        _sendLane.Dispose();
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

    private void Publish(PiazzaEvent e) => _events.Writer.TryWrite(e);

    private void SetState(ConnectionState state, string? detail, ServerEndpoint? server = null, DateTimeOffset? nextAttemptAt = null)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (previous == ConnectionState.Closed && state != ConnectionState.Closed)
        {
            Volatile.Write(ref _state, (int)ConnectionState.Closed); // closing is final
            return;
        }

        if (state is ConnectionState.Disconnected or ConnectionState.Closed)
        {
            FailWaitingRequests(); // after the state is set: a request that looks again sees why
        }

        var change = new ConnectionStateChanged(state, detail) { Server = server, NextAttemptAt = nextAttemptAt };
        Publish(change);
        _stateNotices.Writer.TryWrite(change);
    }

    /// <summary>Runs the <see cref="StateChanged"/> handlers off the connection's loops, one change at a time.</summary>
    private async Task NotifyStateHandlersAsync()
    {
        await foreach (var change in _stateNotices.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var handler in StateChanged?.GetInvocationList() ?? [])
            {
                try
                {
                    _inStateHandler = true;
                    ((EventHandler<ConnectionStateChanged>)handler)(this, change);
                }
#pragma warning disable CA1031 // A subscriber's bug must not stop the notifications of the others, nor the client.
                catch (Exception)
#pragma warning restore CA1031
                {
                    // ignored by design (see the event's documentation)
                }
                finally
                {
                    _inStateHandler = false;
                }
            }
        }
    }
}
