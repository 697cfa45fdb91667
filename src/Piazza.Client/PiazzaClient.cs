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
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.OrdinalIgnoreCase);

    // Ids stay unique across reconnects and restarts, so a resent message is recognised by the server.
    private readonly string _idPrefix = Guid.NewGuid().ToString("N")[..8] + "-";
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

    /// <summary>The session token from the last welcome (accounts only); reconnects use it instead of the password.</summary>
    public string? Token { get; private set; }

    /// <summary>The highest seq seen per conversation; sent as <c>resume</c> on every reconnect.</summary>
    public IReadOnlyDictionary<string, long> LastSeen => _lastSeen;

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

    /// <summary>
    /// Sends a message to a room; returns the server's <c>ok</c> (with <c>seq</c> and <c>msg</c>). If the connection
    /// drops before the answer, the same frame (same id) is sent again after reconnecting: the server stores it once.
    /// </summary>
    public Task<ServerFrame> SendAsync(string text, string room = ProtocolConstants.Lobby, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text }, cancellationToken);

    /// <summary>Sends a private message to a user; same guarantees as <see cref="SendAsync"/>.</summary>
    public Task<ServerFrame> SendToAsync(string user, string text, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, To = user, Text = text }, cancellationToken);

    public Task<ServerFrame> JoinAsync(string room, CancellationToken cancellationToken = default)
        => RequestAsync(new ClientFrame { Type = FrameTypes.Join, Room = room }, cancellationToken);

    public Task<ServerFrame> LeaveAsync(string room, CancellationToken cancellationToken = default)
        => RequestAsync(new ClientFrame { Type = FrameTypes.Leave, Room = room }, cancellationToken);

    public Task<ServerFrame> SetTopicAsync(string room, string? topic, CancellationToken cancellationToken = default)
        => RequestAsync(new ClientFrame { Type = FrameTypes.Topic, Room = room, Topic = topic }, cancellationToken);

    public async Task<IReadOnlyList<RoomInfo>> RoomsAsync(CancellationToken cancellationToken = default)
        => (await RequestAsync(new ClientFrame { Type = FrameTypes.Rooms }, cancellationToken).ConfigureAwait(false)).Rooms ?? [];

    /// <summary>Older (<paramref name="before"/>) or newer (<paramref name="after"/>) messages of a room or <c>@a,b</c> conversation.</summary>
    public async Task<IReadOnlyList<ServerFrame>> HistoryAsync(string room, long? before = null, long? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        var frame = new ClientFrame { Type = FrameTypes.History, Room = room, Before = before, After = after, Limit = limit };
        return (await RequestAsync(frame, cancellationToken).ConfigureAwait(false)).Messages ?? [];
    }

    /// <summary>Changes the account's password; the returned frame carries the new token.</summary>
    public async Task<ServerFrame> ChangePasswordAsync(string current, string next, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(new ClientFrame { Type = FrameTypes.Password, Password = current, NewPassword = next }, cancellationToken).ConfigureAwait(false);
        Token = reply.Token ?? Token;
        return reply;
    }

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
        frame.Id ??= _idPrefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[frame.Id] = reply;
        try
        {
            await WriteAsync(link, frame, cancellationToken).ConfigureAwait(false);
            var answer = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return answer.Type == FrameTypes.Error
                ? throw new PiazzaException(answer.Code ?? "error", answer.Message ?? answer.Code ?? "error") { RetryAfter = Seconds(answer.RetryAfter) }
                : answer;
        }
        finally
        {
            _pending.TryRemove(frame.Id, out _);
        }
    }

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private async Task<ServerFrame> SendReliablyAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        frame.Id ??= _idPrefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            try
            {
                return await RequestAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex) when (ex.Code == PiazzaException.ConnectionLost && Options.Reconnect && State is not ConnectionState.Closed and not ConnectionState.Disconnected)
            {
                await WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex) when (ex.Code == ErrorCodes.RateLimited && ex.RetryAfter is { } wait && wait <= Options.MaxRateLimitWait)
            {
                // The refused send had no effect; waiting as asked keeps a pasted or piped burst flowing at the server's rate
                // instead of collecting refusals until the server disconnects us for flooding.
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for the next successful (re)connection; fails if the client gives up or is closed.</summary>
    private async Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnState(ConnectionState state, string? detail)
        {
            if (state == ConnectionState.Connected)
            {
                connected.TrySetResult();
            }
            else if (state is ConnectionState.Closed or ConnectionState.Disconnected)
            {
                connected.TrySetException(new PiazzaException(PiazzaException.ConnectionLost, detail ?? "disconnected"));
            }
        }

        StateChanged += OnState;
        try
        {
            if (_link is not null && State == ConnectionState.Connected)
            {
                return;
            }

            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= OnState;
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
