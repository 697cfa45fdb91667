using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// One client of the IRC door: a read loop that parses IRC lines and calls the hub, and a write loop that drains the
/// bounded outbox into the pipe, picking each shared event encoding's lines for this connection's capabilities
/// (<see cref="IrcWireLines"/>). Like every door it sees an <see cref="IDuplexPipe"/>, never a socket.
/// </summary>
public sealed partial class IrcConnection : IChatConnection, IWatchedConnection
{
    private const int NoCloseReason = -1;

    private readonly IDuplexPipe _transport;
    private readonly Action _abort;
    private readonly ChatHub _hub;
    private readonly ConnectionOptions _options;
    private readonly IrcEventEncoder _encoder;
    private readonly IrcServerInfo _server;
    private readonly ILogger _logger;
    private readonly BoundedOutbox<Outbound> _outbox;
    private readonly ConnectionLiveness _liveness;
    private ChatSession? _session;
    private volatile string _nick = "*";
    private ulong _caps;
    private int _closeReason = NoCloseReason;
    private int _closing;

    public IrcConnection(IDuplexPipe transport, string remoteEndPoint, Action abort, string door, ChatHub hub, ConnectionOptions options, IrcEventEncoder encoder, IrcServerInfo server, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(remoteEndPoint);
        _transport = transport;
        _abort = abort;
        RemoteEndPoint = remoteEndPoint;
        Door = door;
        _hub = hub;
        _options = options;
        _encoder = encoder;
        _server = server;
        _logger = logger;
        _outbox = new BoundedOutbox<Outbound>(options.Outbox);
        _liveness = new ConnectionLiveness(options);
        var colon = remoteEndPoint.LastIndexOf(':');
        RemoteAddress = AddressText.Normalize(colon > 0 ? remoteEndPoint[..colon] : remoteEndPoint) ?? remoteEndPoint;
    }

    public string Door { get; }

    public string RemoteEndPoint { get; }

    public string RemoteAddress { get; }

    /// <summary>The capabilities negotiated so far (read by the write loop without a lock).</summary>
    private IrcCapSet Caps => new(Volatile.Read(ref _caps));

    private string Who => _session?.Name is { } name ? $"{name} ({RemoteEndPoint})" : RemoteEndPoint;

    /// <summary>Runs the connection until the client quits or is closed; never throws.</summary>
    public async Task RunAsync()
    {
        Log.Connected(_logger, Door, RemoteEndPoint);
        var writing = WriteLoopAsync();
        var reason = LeaveReason.Lost;
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
            SendError("internal error; closing");
        }
        finally
        {
            if (_session is { } session)
            {
                _hub.Disconnect(session, reason);
                await ForgetLoginAsync(session).ConfigureAwait(false);
            }

            _outbox.Complete();
            await writing.ConfigureAwait(false);
            await _transport.Input.CompleteAsync().ConfigureAwait(false);
            Log.Disconnected(_logger, Who, reason.ToWire());
        }
    }

    /// <summary>An IRC login's token is never shown to the client, so none is left behind once it ends.</summary>
    private async Task ForgetLoginAsync(ChatSession session)
    {
        if (session.Token is null || !session.User.IsRegistered)
        {
            return;
        }

        try
        {
            await _hub.RevokeTokenAsync(session).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFaults.IsUnavailable(ex))
        {
            // It expires on its own; the connection is gone either way.
        }
    }

    /// <inheritdoc/>
    /// <remarks>A connection already closing drops the event and says so with true (see <c>JsonLinesConnection.TryEnqueue</c>).</remarks>
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
                Log.RegistrationTimeout(_logger, RemoteEndPoint);
                SendError($"Closing link: registration timed out ({_options.HelloTimeout.TotalSeconds:0.#} s)");
                CloseWith(LeaveReason.Timeout);
                break;
            case LivenessVerdict.Ping:
                Send(new IrcLine().Command(null, "PING").Trailing(_server.Name));
                break;
            case LivenessVerdict.IdleTimeout:
                Log.IdleTimeout(_logger, Who);
                SendError("Closing link: ping timeout");
                CloseWith(LeaveReason.Timeout);
                break;
        }
    }

    private void CloseWith(LeaveReason reason)
    {
        Interlocked.CompareExchange(ref _closeReason, (int)reason, NoCloseReason);
        Close(flush: true);
    }

    private LeaveReason CloseReasonOr(LeaveReason otherwise)
        => Volatile.Read(ref _closeReason) is var reason and not NoCloseReason ? (LeaveReason)reason : otherwise;

    private LeaveReason EndedByHub()
        => _session?.EndReason ?? (_hub.IsShuttingDown ? LeaveReason.Shutdown : LeaveReason.Kicked);

    private async Task<LeaveReason> ReadLoopAsync()
    {
        var input = _transport.Input;
        var framer = new LineFramer(IrcMessage.MaxTagBytes + IrcMessage.MaxBodyBytes);
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled && Volatile.Read(ref _closing) != 0)
            {
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
                        return CloseReasonOr(EndedByHub());
                    }

                    var status = framer.TryReadLine(ref buffer, out var line);
                    if (status == LineStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (!await PaceAsync().ConfigureAwait(false))
                    {
                        continue;
                    }

                    if (status == LineStatus.TooLong)
                    {
                        SendNumeric(IrcNumerics.InputTooLong, "Input line was too long");
                        continue;
                    }

                    var parsed = IrcMessage.TryParse(line, out var message, out var command);
                    switch (parsed)
                    {
                        case IrcParseStatus.InvalidUtf8:
                            Send(new IrcLine().Command(_server.Name, "FAIL").Param(command).Param("INVALID_UTF8").Trailing("Message rejected: it is not valid UTF-8 (this server is UTF8ONLY)"));
                            continue;
                        case IrcParseStatus.TooLong:
                            SendNumeric(IrcNumerics.InputTooLong, "Input line was too long");
                            continue;
                        case IrcParseStatus.NoCommand:
                            continue;
                    }

                    try
                    {
                        if (!await HandleAsync(message!).ConfigureAwait(false))
                        {
                            return LeaveReason.Quit;
                        }
                    }
                    catch (Exception ex) when (StoreFaults.IsUnavailable(ex))
                    {
                        Log.StoreUnavailable(_logger, Who, message!.Command, ex.GetBaseException().Message);
                        Send(new IrcLine().Command(_server.Name, "FAIL").Param(message.Command).Param("TEMPORARILY_UNAVAILABLE").Trailing(StoreFaults.Message));
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

    /// <summary>
    /// The frame rate every door obeys, IRC style: a line over the rate waits (fakelag, as IRC servers do) up to a
    /// second for the bucket to refill; only a line still over it is refused, and refusals count towards flooding.
    /// </summary>
    private async ValueTask<bool> PaceAsync()
    {
        // Waits for the bucket until a token is there, within one second; a millisecond of margin per wait, as a
        // timer may fire a hair before the bucket's clock has refilled a whole token.
        var deadline = Environment.TickCount64 + 1000;
        while (_hub.Flood.TryAcquireFrame(this) is { } throttled)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                RefuseAsFlood("*", throttled);
                return false;
            }

            var wait = Math.Min(left, (long)Math.Ceiling((throttled.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalMilliseconds) + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
        }

        return true;
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
                    if (item.Event is { } chatEvent)
                    {
                        WriteEvent(output, chatEvent);
                    }
                    else
                    {
                        output.Write(item.Raw);
                    }

                    if (output.UnflushedBytes >= 64 * 1024 && (await output.FlushAsync().ConfigureAwait(false)).IsCompleted)
                    {
                        return;
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

    private readonly record struct Outbound(ChatEvent? Event, byte[]? Raw);
}
