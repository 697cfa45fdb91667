using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>The socket side: opening a link, reading frames, watching liveness and reconnecting.</summary>
public sealed partial class PiazzaClient
{
    private const string HelloId = "hello";

    private async Task<Link> OpenLinkAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(Options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(Options.Host, Options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var why = ex is SocketException se ? se.Message : "timed out";
            throw new PiazzaException(PiazzaFailure.Unreachable, $"cannot connect to {Options.Host}:{Options.Port}: {why}");
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (Options.Tls)
        {
            stream = await AuthenticateAsync(stream, timeout.Token).ConfigureAwait(false);
        }

        var link = new Link(socket, stream);
        link.Reading = ReadLoopAsync(link);
        ServerFrame answer;
        try
        {
            await WriteAsync(link, HelloFrame(), timeout.Token).ConfigureAwait(false);
            answer = await link.Hello.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            Interlocked.CompareExchange(ref _link, null, link); // a welcome that came just too late does not count
            link.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new PiazzaException(PiazzaFailure.Unreachable, $"no welcome from {Options.Host}:{Options.Port}");
        }

        if (answer.Type != FrameTypes.Welcome)
        {
            link.Dispose();
            throw WireMapping.ToException(answer, "hello refused");
        }

        return link;
    }

    /// <summary>Wraps the socket in TLS; an untrusted certificate becomes <see cref="PiazzaFailure.TlsFailed"/> with the reason.</summary>
    private async Task<Stream> AuthenticateAsync(Stream network, CancellationToken cancellationToken)
    {
        var verifier = new TlsVerifier(Options);
        var tls = new SslStream(network, leaveInnerStreamOpen: false, verifier.Validate);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Options.Host }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var why = verifier.Refusal ?? (ex is OperationCanceledException ? "timed out" : ex.Message);
            throw new PiazzaException(PiazzaFailure.TlsFailed, $"TLS with {Options.Host}:{Options.Port} failed: {why}");
        }
    }

    /// <summary>
    /// The first frame: register once, then log in with the token if we have one (cheap: no password hashing on
    /// every reconnect), else the password, else as a guest; always with the resume points seen so far.
    /// </summary>
    private ClientFrame HelloFrame()
    {
        var frame = new ClientFrame { Type = FrameTypes.Hello, Id = HelloId, Protocol = ProtocolConstants.Version, Client = Options.ClientName };
        if (Token is not null)
        {
            frame.Token = Token;
        }
        else
        {
            frame.User = Options.User;
            frame.Password = Options.Password;
            frame.Type = Options.Register && Welcome is null ? FrameTypes.Register : FrameTypes.Hello;
            frame.Token = Options.Token;
            if (frame.Token is not null)
            {
                frame.User = frame.Password = null;
            }
        }

        if (!_lastSeen.IsEmpty)
        {
            frame.Resume = new Dictionary<string, long>(_lastSeen, StringComparer.OrdinalIgnoreCase);
        }

        return frame;
    }

    private async Task<string> ReadLoopAsync(Link link)
    {
        var framer = new LineFramer(Options.MaxLineBytes);
        try
        {
            while (true)
            {
                var result = await link.Input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                link.LastHeardAt = Environment.TickCount64;
                while (framer.TryReadLine(ref buffer, out var line) is var status && status != LineStatus.NeedMoreData)
                {
                    if (status == LineStatus.Line && FrameCodec.TryDecodeServer(line, out var frame, out _))
                    {
                        Dispatch(link, frame);
                    }
                }

                link.Input.AdvanceTo(buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    return "the server closed the connection";
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return ex is IOException { InnerException: SocketException inner } ? inner.Message : "connection lost";
        }
        finally
        {
            link.Hello.TrySetException(new IOException("connection closed before welcome"));
            await link.Input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(Link link, ServerFrame frame)
    {
        switch (frame.Type)
        {
            case FrameTypes.Message:
                Track(frame);
                break;
            case FrameTypes.History when frame.Re is null:
                // Join and resume history is part of the conversation stream; answers to requests are not.
                foreach (var message in frame.Messages ?? [])
                {
                    Track(message);
                }

                break;
            case FrameTypes.Welcome:
                // Published here, in arrival order, so the welcome precedes the room and history events that follow it;
                // the link serves requests from here on.
                var reconnected = Welcome is not null;
                Welcome = WireMapping.ToWelcome(frame);
                Token = frame.Token ?? Token;
                _link = link;
                Publish(new Welcomed(Welcome, reconnected));
                SetState(ConnectionState.Connected, $"connected to {Options.Host}:{Options.Port} as {frame.User}");
                link.Hello.TrySetResult(frame);
                return;
            case FrameTypes.Error when frame.Re == HelloId:
                link.Hello.TrySetResult(frame);
                return;
            case FrameTypes.Ping:
                // The server's heartbeat: answer it. Fire-and-forget is safe: a failed write ends the link anyway.
                _ = WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Pong, Id = frame.Id });
                return;
            case FrameTypes.Kicked:
                link.Final = true;
                break;
            case FrameTypes.Error when frame.Re is null && WireNames.TryParse(frame.Code, out ErrorCode code) && code == ErrorCode.SessionRevoked:
                link.Final = true; // the credentials were revoked: logging in again with them would only be refused
                break;
            case FrameTypes.Left when WireNames.TryParse(frame.Reason, out LeaveReason reason) && reason == LeaveReason.Kicked
                && string.Equals(frame.User, Welcome?.User, StringComparison.OrdinalIgnoreCase):
                link.Final = true;
                break;
        }

        if (frame.Re is { } re && frame.Type is FrameTypes.Ok or FrameTypes.Error or FrameTypes.Pong or FrameTypes.History)
        {
            if (_pending.TryGetValue(re, out var waiter))
            {
                waiter.TrySetResult(frame);
                return;
            }

            if (frame.Type != FrameTypes.Error)
            {
                return; // answers to keep-alives or to requests nobody waits for any more
            }
        }

        foreach (var e in WireMapping.ToEvents(frame))
        {
            Publish(e);
        }
    }

    private async Task WriteQuietlyAsync(Link link, ClientFrame frame)
    {
        try
        {
            await WriteAsync(link, frame, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the read loop notices the broken link
        }
    }

    /// <summary>Watches the current link and replaces it when it is lost, until closed.</summary>
    private async Task SuperviseAsync(Link link)
    {
        while (true)
        {
            var reason = await WatchAsync(link).ConfigureAwait(false);
            _link = null;
            link.Dispose();
            foreach (var waiter in _pending.Values)
            {
                waiter.TrySetException(new PiazzaException(PiazzaFailure.ConnectionLost, reason));
            }

            if (State == ConnectionState.Closed)
            {
                return;
            }

            if (!Options.Reconnect || link.Final)
            {
                SetState(ConnectionState.Disconnected, reason);
                _events.Writer.TryComplete();
                return;
            }

            SetState(ConnectionState.Reconnecting, reason);
            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            link = next;
        }
    }

    private async Task<Link?> ReconnectAsync()
    {
        var delay = Options.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            // Jitter spreads a crowd of clients reconnecting after a server restart.
            var jittered = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
            try
            {
                await Task.Delay(jittered, _lifetime.Token).ConfigureAwait(false);
                return await OpenLinkAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return null;
            }
            catch (PiazzaException ex) when (ex.Code == ErrorCode.AuthFailed && Token is not null && Options.Password is not null)
            {
                Token = null; // revoked or expired: the password still works
                continue;
            }
            catch (PiazzaException ex) when (ex.Code is ErrorCode.BadName or ErrorCode.ProtocolVersion or ErrorCode.AuthFailed or ErrorCode.NameReserved or ErrorCode.AuthRequired)
            {
                SetState(ConnectionState.Disconnected, ex.Message);
                _events.Writer.TryComplete();
                return null;
            }
            catch (PiazzaException ex)
            {
                SetState(ConnectionState.Reconnecting, $"attempt {attempt} failed: {ex.Message}");
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxBackoff.Ticks));
        }
    }

    /// <summary>Waits for the link to end, pinging when it is quiet and giving up on a server that stays silent.</summary>
    private async Task<string> WatchAsync(Link link)
    {
        var interval = (long)Options.PingInterval.TotalMilliseconds;
        var check = TimeSpan.FromMilliseconds(Math.Max(interval / 4, 10));
        var pinged = false;
        while (true)
        {
            var finished = await Task.WhenAny(link.Reading, Task.Delay(check, CancellationToken.None)).ConfigureAwait(false);
            if (finished == link.Reading)
            {
                return await link.Reading.ConfigureAwait(false);
            }

            var silent = Environment.TickCount64 - link.LastHeardAt;
            if (silent < interval)
            {
                pinged = false;
            }
            else if (!pinged)
            {
                pinged = true;
                _ = WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Ping, Id = "keepalive" });
            }
            else if (silent > 2 * interval)
            {
                link.Dispose();
                await link.Reading.ConfigureAwait(false);
                return "the server stopped answering";
            }
        }
    }
}
