using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// One client of a JSON-lines door: a read loop that decodes frames and calls the hub, and a write loop that
/// drains the bounded outbox into the pipe. It sees an <see cref="IDuplexPipe"/>, never a socket, so the same
/// code runs over Kestrel's TCP transport, TLS, or an in-memory pipe in tests.
/// </summary>
public sealed partial class JsonLinesConnection : IChatConnection, IWatchedConnection
{
    /// <summary>No close reason given yet (<see cref="_closeReason"/> holds a <see cref="LeaveReason"/> once one is).</summary>
    private const int NoCloseReason = -1;

    private readonly IDuplexPipe _transport;
    private readonly Action _abort;
    private readonly ChatHub _hub;
    private readonly ConnectionOptions _options;
    private readonly JsonLinesEventEncoder _encoder;
    private readonly ILogger _logger;
    private readonly BoundedOutbox<Outbound> _outbox;
    private readonly ConnectionLiveness _liveness;
    private ChatSession? _session;
    private int _closeReason = NoCloseReason;
    private int _closing;


    public JsonLinesConnection(ConnectionContext connection, string door, ChatHub hub, ConnectionOptions options, JsonLinesEventEncoder encoder, ILogger logger)
        : this(connection.Transport, connection.RemoteEndPoint?.ToString() ?? "unknown", () => connection.Abort(), door, hub, options, encoder, logger)
    {
    }

    public JsonLinesConnection(IDuplexPipe transport, string remoteEndPoint, Action abort, string door, ChatHub hub, ConnectionOptions options, JsonLinesEventEncoder encoder, ILogger logger)
    {
        _transport = transport;
        _abort = abort;
        RemoteEndPoint = remoteEndPoint;
        Door = door;
        _hub = hub;
        _options = options;
        _encoder = encoder;
        _logger = logger;
        _outbox = new BoundedOutbox<Outbound>(options.Outbox);
        _liveness = new ConnectionLiveness(options);
        var colon = remoteEndPoint.LastIndexOf(':');
        RemoteAddress = AddressText.Normalize(colon > 0 ? remoteEndPoint[..colon] : remoteEndPoint) ?? remoteEndPoint;
    }

    public string Door { get; }

    public string RemoteEndPoint { get; }

    public string RemoteAddress { get; }

    /// <summary>
    /// Told once, when the connection ends and before its last frame is flushed, why it ended: the reason, and an
    /// error code when a finer one applies (<c>hello_timeout</c>, <c>server_error</c>). The WebSocket door turns it
    /// into its close frame (<see cref="WebSocketCloseCodes"/>).
    /// </summary>
    public Action<LeaveReason, ErrorCode?>? Ending { get; init; }

    private string Who => _session?.Name is { } name ? $"{name} ({RemoteEndPoint})" : RemoteEndPoint;

    /// <summary>Runs the connection until the client leaves or is closed; never throws.</summary>
    public async Task RunAsync()
    {
        Log.Connected(_logger, Door, RemoteEndPoint);
        var writing = WriteLoopAsync();
        var reason = LeaveReason.Lost;
        ErrorCode? cause = null;
        try
        {
            reason = await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionLiveness.IsDisconnect(ex))
        {
            reason = CloseReasonOr(LeaveReason.Lost);
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, ex, Who);
            EnqueueError(null, ErrorCode.ServerError, "internal error; closing");
            cause = ErrorCode.ServerError;
        }
        finally
        {
            Ending?.Invoke(reason, cause ?? (reason == LeaveReason.Timeout && _session is null ? ErrorCode.HelloTimeout : null));
            if (reason == LeaveReason.Quit)
            {
                // bye: acknowledge what was sent before it, then flush and close
                await _lastSend.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (_session is { } session)
            {
                _hub.Disconnect(session, reason);
            }

            _outbox.Complete();
            await writing.ConfigureAwait(false);
            await _transport.Input.CompleteAsync().ConfigureAwait(false);
            Log.Disconnected(_logger, Who, reason.ToWire());
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A connection already closing (flooding, a kick, shutdown) drops the event and says so with true: its outbox is
    /// complete, and a false would make the hub retire it as a slow consumer, racing the reason it is closing for.
    /// </remarks>
    public bool TryEnqueue(ChatEvent chatEvent)
        => _outbox.TryEnqueue(new Outbound(chatEvent, null), chatEvent.EstimatedBytes) || Volatile.Read(ref _closing) != 0;

    /// <inheritdoc/>
    public Task WaitForCapacityAsync(CancellationToken cancellationToken) => _outbox.WaitForHalfEmptyAsync(cancellationToken);

    /// <inheritdoc/>
    public void Close(bool flush)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0 && flush)
        {
            return;
        }

        _outbox.Complete();
        if (flush)
        {
            // The read loop wakes up, sees the close reason and ends; the write loop drains what is queued.
            _transport.Input.CancelPendingRead();
        }
        else
        {
            _abort();
        }
    }

    /// <inheritdoc/>
    public void CheckLiveness(long nowMilliseconds)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        switch (_liveness.Check(nowMilliseconds, welcomed: _session is not null))
        {
            case LivenessVerdict.HelloTimeout:
                Log.HelloTimeout(_logger, RemoteEndPoint);
                EnqueueError(null, ErrorCode.HelloTimeout, $"no hello within {_options.HelloTimeout.TotalSeconds:0.#} s");
                CloseWith(LeaveReason.Timeout);
                break;
            case LivenessVerdict.Ping:
                Enqueue(new ServerFrame { Type = FrameTypes.Ping });
                break;
            case LivenessVerdict.IdleTimeout:
                Log.IdleTimeout(_logger, Who);
                CloseWith(LeaveReason.Timeout);
                break;
        }
    }

    private void CloseWith(LeaveReason reason)
    {
        Interlocked.CompareExchange(ref _closeReason, (int)reason, NoCloseReason);
        Close(flush: true);
    }

    /// <summary>The reason the server gave when it closed this connection (the first one wins), else <paramref name="otherwise"/>.</summary>
    private LeaveReason CloseReasonOr(LeaveReason otherwise)
        => Volatile.Read(ref _closeReason) is var reason and not NoCloseReason ? (LeaveReason)reason : otherwise;

    /// <summary>Why the hub closed this connection: the reason it retired the session with, else a shutdown or a kick.</summary>
    private LeaveReason EndedByHub()
        => _session?.EndReason ?? (_hub.IsShuttingDown ? LeaveReason.Shutdown : LeaveReason.Kicked);

    private async Task<LeaveReason> ReadLoopAsync()
    {
        var input = _transport.Input;
        var framer = new LineFramer(_options.MaxLineBytes);
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled && Volatile.Read(ref _closing) != 0)
            {
                // Closed by the server: a timeout names itself; kicks, bans, revocations and shutdowns were announced
                // by the hub already, which retired the session with its reason (a shutdown retires none).
                return CloseReasonOr(EndedByHub());
            }

            if (!buffer.IsEmpty)
            {
                _liveness.Heard();
            }

            try
            {
                while (true)
                {
                    if (Volatile.Read(ref _closing) != 0)
                    {
                        // Closed while lines were still buffered (flooding, a kick): the rest is not for us to act on.
                        return CloseReasonOr(EndedByHub());
                    }

                    var status = framer.TryReadLine(ref buffer, out var line);
                    if (status == LineStatus.NeedMoreData)
                    {
                        break;
                    }

                    // Every line counts against the frame rate, whatever it holds: garbage must not be free.
                    if (_hub.Flood.TryAcquireFrame(this) is { } throttled)
                    {
                        ReportError(null, throttled);
                        continue;
                    }

                    if (status == LineStatus.TooLong)
                    {
                        ReportProtocolError(null, ErrorCode.TooLarge, $"line longer than {_options.MaxLineBytes} bytes; discarded");
                        continue;
                    }

                    if (!FrameCodec.TryDecodeClient(line, out var frame, out var error))
                    {
                        ReportProtocolError(error.RequestId, error.Code, error.Message);
                        continue;
                    }

                    try
                    {
                        if (!await HandleFrameAsync(frame).ConfigureAwait(false))
                        {
                            return LeaveReason.Quit;
                        }
                    }
                    catch (Exception ex) when (StoreFaults.IsUnavailable(ex))
                    {
                        // PostgreSQL restarting, say: this request fails, the connection and the next ones do not.
                        Log.StoreUnavailable(_logger, Who, frame.Type ?? "?", ex.GetBaseException().Message);
                        ReportProtocolError(frame.Id, ErrorCode.Unavailable, StoreFaults.Message);
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, result.Buffer.End);
            }

            if (result.IsCompleted)
            {
                return CloseReasonOr(LeaveReason.Lost);
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        try
        {
            while (await _outbox.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_outbox.TryDequeue(out var item))
                {
                    var bytes = item.Event?.GetEncoded(_encoder) ?? item.Frame!;
                    output.Write(bytes);

                    // Flush in batches: one syscall for many small frames, but never an unbounded buffer.
                    if (output.UnflushedBytes >= 64 * 1024)
                    {
                        if ((await output.FlushAsync().ConfigureAwait(false)).IsCompleted)
                        {
                            return;
                        }
                    }
                }

                if ((await output.FlushAsync().ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ConnectionLiveness.IsDisconnect(ex))
        {
            // the peer went away; the read loop reports it
        }
        finally
        {
            await output.CompleteAsync().ConfigureAwait(false);
            _transport.Input.CancelPendingRead();
        }
    }

    private readonly record struct Outbound(ChatEvent? Event, byte[]? Frame);
}
