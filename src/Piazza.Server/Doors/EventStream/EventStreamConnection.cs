using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.EventStream;

/// <summary>
/// One <c>GET /api/events</c> stream: a hub connection like any other (logged in by token, attached to every room and
/// conversation of the account, bounded by the same <see cref="BoundedOutbox{T}"/> and slow-consumer policy) whose
/// write loop frames events as Server-Sent Events. It only writes: it sees a <see cref="PipeWriter"/>, so tests can run
/// it over an in-memory pipe. A comment line every quarter of the idle timeout shows proxies and clients it is alive.
/// </summary>
public sealed partial class EventStreamConnection : IChatConnection, IWatchedConnection
{
    /// <summary>How long the last event of a dropped stream may take to leave before the connection is aborted.</summary>
    private static readonly TimeSpan FinalEventTimeout = TimeSpan.FromSeconds(5);

    private static readonly byte[] Heartbeat = ":\n\n"u8.ToArray();
    private static readonly byte[] IdField = "id: "u8.ToArray();

    private readonly PipeWriter _output;
    private readonly Action _abort;
    private readonly ChatHub _hub;
    private readonly SseEventEncoder _encoder;
    private readonly StreamPositions _positions;
    private readonly ILogger _logger;
    private readonly BoundedOutbox<Outbound> _outbox;
    private readonly long _heartbeatMilliseconds;
    private readonly CancellationTokenSource _stop = new();
    private long _lastWrittenAt = Environment.TickCount64;
    private int _closing;
    private int _dropped;
    private int _finished;
    private ChatSession? _session;

    public EventStreamConnection(PipeWriter output, string remoteEndPoint, Action abort, string door, ChatHub hub, ConnectionOptions options, SseEventEncoder encoder, StreamPositions positions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(remoteEndPoint);
        ArgumentNullException.ThrowIfNull(options);
        _output = output;
        _abort = abort;
        RemoteEndPoint = remoteEndPoint;
        Door = door;
        _hub = hub;
        _encoder = encoder;
        _positions = positions;
        _logger = logger;
        _outbox = new BoundedOutbox<Outbound>(options.Outbox);
        _heartbeatMilliseconds = Math.Max(10, (long)(options.IdleTimeout.TotalMilliseconds / 4));
        var colon = remoteEndPoint.LastIndexOf(':');
        RemoteAddress = AddressText.Normalize(colon > 0 ? remoteEndPoint[..colon] : remoteEndPoint) ?? remoteEndPoint;
    }

    public string Door { get; }

    public string RemoteEndPoint { get; }

    public string RemoteAddress { get; }

    private string Who => _session?.Name is { } name ? $"{name} ({RemoteEndPoint})" : RemoteEndPoint;

    /// <summary>
    /// Logs in with <paramref name="token"/>, resuming from the positions given, and streams until the client goes,
    /// the server closes the stream (shutdown, a kick, a revoked token) or drops it as a slow consumer; never throws.
    /// </summary>
    public async Task RunAsync(string token, CancellationToken aborted)
    {
        using var registration = aborted.Register(static state => ((EventStreamConnection)state!).ClientGone(), this);
        var writing = WriteLoopAsync();
        var reason = LeaveReason.Lost;
        try
        {
            var hello = await _hub.HelloAsync(this, new HelloRequest(null, null, token, _positions.ToResume(), RemoteAddress), CancellationToken.None).ConfigureAwait(false);
            if (hello.Succeeded)
            {
                _session = hello.Value;
                Log.Opened(_logger, LogText.Of(_session!.Name), RemoteEndPoint, _positions.Count);
            }
            else
            {
                EnqueueError(hello.Error!);
                Close(flush: true);
            }

            await writing.ConfigureAwait(false);
            reason = Volatile.Read(ref _dropped) != 0 ? LeaveReason.SlowConsumer : _hub.IsShuttingDown ? LeaveReason.Shutdown : LeaveReason.Lost;
        }
        catch (Exception ex)
        {
            // The store failing under the login, say: the stream ends with an error event rather than a silent cut.
            Log.Failed(_logger, ex, Who);
            EnqueueError(StoreFaults.IsUnavailable(ex) ? new HubError(ErrorCode.Unavailable, StoreFaults.Message) : new HubError(ErrorCode.ServerError, "internal error; closing"));
            Close(flush: true);
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            if (_session is { } session)
            {
                _hub.Disconnect(session, reason);
            }

            _stop.Dispose();
            Log.Closed(_logger, Who, reason.ToWire());
        }
    }

    /// <inheritdoc/>
    /// <remarks>A stream already closing drops the event and says so with true (see <c>JsonLinesConnection.TryEnqueue</c>).</remarks>
    public bool TryEnqueue(ChatEvent chatEvent)
        => _outbox.TryEnqueue(new Outbound(chatEvent, null), chatEvent.EstimatedBytes) || Volatile.Read(ref _closing) != 0;

    /// <inheritdoc/>
    public Task WaitForCapacityAsync(CancellationToken cancellationToken) => _outbox.WaitForHalfEmptyAsync(cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Without <paramref name="flush"/> (a slow consumer) what is queued is dropped and one last event says why.</remarks>
    public void Close(bool flush)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0 && flush)
        {
            return;
        }

        if (!flush && Interlocked.Exchange(ref _dropped, 1) == 0)
        {
            // The write loop skips what is queued and writes the last event once its current flush completes; a client
            // that never reads again never lets it, so the connection is aborted after a while. (Cancelling a flush
            // would abort the HTTP connection at once, last event and all.)
            Log.SlowConsumer(_logger, Who);
            _ = AbortUnlessWrittenAsync();
        }

        _outbox.Complete();
    }

    private async Task AbortUnlessWrittenAsync()
    {
        await Task.Delay(FinalEventTimeout).ConfigureAwait(false);
        if (Volatile.Read(ref _finished) == 0)
        {
            try
            {
                _abort();
            }
            catch (ObjectDisposedException)
            {
                // it ended meanwhile
            }
        }
    }

    /// <inheritdoc/>
    public void CheckLiveness(long nowMilliseconds)
    {
        if (Volatile.Read(ref _closing) == 0 && nowMilliseconds - Volatile.Read(ref _lastWrittenAt) >= _heartbeatMilliseconds)
        {
            Volatile.Write(ref _lastWrittenAt, nowMilliseconds);
            _outbox.TryEnqueue(new Outbound(null, Heartbeat), Heartbeat.Length);
        }
    }

    private void ClientGone()
    {
        Interlocked.Exchange(ref _closing, 1);
        CancelWrites();
        _outbox.Complete();
    }

    private void CancelWrites()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the stream has ended already
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await PumpAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionLiveness.IsDisconnect(ex))
        {
            // the client went
        }
        finally
        {
            // Nothing more is written: producers (a catch-up waiting for room) must not wait for this loop.
            Interlocked.Exchange(ref _closing, 1);
            _outbox.Complete();
        }

        if (Volatile.Read(ref _dropped) != 0)
        {
            await WriteFinalEventAsync().ConfigureAwait(false);
        }

        await _output.CompleteAsync().ConfigureAwait(false);
        Volatile.Write(ref _finished, 1);
    }

    /// <summary>Writes what is queued until the outbox completes, the stream is dropped, or the client is gone.</summary>
    private async Task PumpAsync(CancellationToken clientGone)
    {
        // retry: how long EventSource waits before reconnecting (with Last-Event-ID) after the stream ends.
        _output.Write(": piazza events (docs/http-api.md)\nretry: 3000\n\n"u8);
        await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        while (Volatile.Read(ref _dropped) == 0 && await _outbox.WaitToReadAsync(clientGone).ConfigureAwait(false))
        {
            while (Volatile.Read(ref _dropped) == 0 && _outbox.TryDequeue(out var item))
            {
                Write(item);

                // Flush in batches: one write for many small events, but never an unbounded buffer. No flush is ever
                // cancelled: Kestrel aborts the connection for that, and a dropped stream still owes its last event.
                if (_output.UnflushedBytes >= 64 * 1024 && (await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }

            Volatile.Write(ref _lastWrittenAt, Environment.TickCount64);
            if ((await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false)).IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>A dropped stream's last event: what was queued is gone, so the client knows to reconnect from its last id.</summary>
    private async Task WriteFinalEventAsync()
    {
        try
        {
            var message = "this stream fell too far behind and was closed; reconnect with the last event id to resume";
            Write(new Outbound(null, SseEventEncoder.Frame(FrameCodec.EncodeLine(new ServerFrame { Type = FrameTypes.Error, Code = ErrorCode.SlowConsumer.ToWire(), Message = message }))));
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionLiveness.IsDisconnect(ex) || ex is InvalidOperationException)
        {
            _abort();
        }
    }

    private void Write(Outbound item)
    {
        if (item.Event is not { } chatEvent)
        {
            _output.Write(item.Frame);
            return;
        }

        Track(chatEvent);
        _output.Write(IdField);
        _output.Write(_positions.IdBytes);
        _output.Write("\n"u8);
        _output.Write(chatEvent.GetEncoded(_encoder));
    }

    /// <summary>Moves the positions past what <paramref name="chatEvent"/> delivers, before its id is written.</summary>
    private void Track(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case MessageEvent message:
                _positions.Advance(message.Conversation, message.Seq);
                break;
            case HistoryEvent { RequestId: null } history:
                if (history.Messages.Count > 0)
                {
                    _positions.Advance(history.Messages[^1].Conversation, history.Messages[^1].Seq);
                }

                if (history is { Conversation: { } key, UpTo: { } upTo })
                {
                    _positions.Advance(key, upTo);
                }

                break;
            case LeftEvent { Reason: LeaveReason.Left or LeaveReason.Kicked or LeaveReason.Banned } left when _session is { } session && left.User == session.Name:
                _positions.Forget(RoomNamePolicy.Fold(left.Room));
                break;
        }
    }

    private void EnqueueError(HubError error)
    {
        var bytes = SseEventEncoder.Frame(FrameCodec.EncodeLine(new ServerFrame { Type = FrameTypes.Error, Code = error.Code.ToWire(), Message = error.Message }));
        _outbox.TryEnqueue(new Outbound(null, bytes), bytes.Length);
    }

    private readonly record struct Outbound(ChatEvent? Event, byte[]? Frame);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{User} opened an event stream from {Remote}, resuming {Conversations} conversations")]
        public static partial void Opened(ILogger logger, string user, string remote, int conversations);

        [LoggerMessage(2, LogLevel.Information, "Event stream of {Who} closed ({Reason})")]
        public static partial void Closed(ILogger logger, string who, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Event stream of {Who} fell too far behind: dropped as a slow consumer")]
        public static partial void SlowConsumer(ILogger logger, string who);

        [LoggerMessage(4, LogLevel.Error, "Event stream of {Who} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string who);
    }
}
