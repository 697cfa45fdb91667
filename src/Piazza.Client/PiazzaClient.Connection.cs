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

    /// <summary>
    /// Tries each server once, in order from <paramref name="start"/>, and returns the first link that is welcomed. A
    /// server that cannot be reached (or says it cannot serve now) sends us on to the next; a refusal of who we are
    /// (wrong password, name taken…) would be the same on every node of a cluster, so it ends the round at once.
    /// </summary>
    private async Task<Link> OpenAnyLinkAsync(int start, CancellationToken cancellationToken)
    {
        var servers = Options.ServersToTry;
        List<PiazzaException>? failures = null;
        for (var i = 0; i < servers.Count; i++)
        {
            try
            {
                return await OpenLinkAsync(servers[(start + i) % servers.Count], cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex) when (servers.Count > 1 && WorthTheNextServer(ex))
            {
                (failures ??= []).Add(ex);
            }
        }

        var last = failures![^1];
        throw new PiazzaException(last.Failure, string.Join("; ", failures.Select(f => f.Message)), last.WireCode) { RetryAfter = last.RetryAfter };
    }

    private static bool WorthTheNextServer(PiazzaException ex)
        => ex.Failure is PiazzaFailure.Unreachable or PiazzaFailure.TlsFailed
        || ex.Code is ErrorCode.Unavailable or ErrorCode.ServerError or ErrorCode.TooManyConnections or ErrorCode.HelloTimeout;

    private async Task<Link> OpenLinkAsync(ServerEndpoint server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(Options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var why = ex is SocketException se ? se.Message : "timed out";
            throw new PiazzaException(PiazzaFailure.Unreachable, $"cannot connect to {server}: {why}");
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (Options.Tls)
        {
            stream = await AuthenticateAsync(stream, server, timeout.Token).ConfigureAwait(false);
        }

        var link = new Link(socket, stream, server);
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
            throw new PiazzaException(PiazzaFailure.Unreachable, $"no welcome from {server}");
        }

        if (answer.Type != FrameTypes.Welcome)
        {
            link.Dispose();
            throw WireMapping.ToException(answer, "hello refused");
        }

        return link;
    }

    /// <summary>Wraps the socket in TLS; an untrusted certificate becomes <see cref="PiazzaFailure.TlsFailed"/> with the reason.</summary>
    private async Task<Stream> AuthenticateAsync(Stream network, ServerEndpoint server, CancellationToken cancellationToken)
    {
        var verifier = new TlsVerifier(Options, server.Host);
        var tls = new SslStream(network, leaveInnerStreamOpen: false, verifier.Validate);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var why = verifier.Refusal ?? (ex is OperationCanceledException ? "timed out" : ex.Message);
            throw new PiazzaException(PiazzaFailure.TlsFailed, $"TLS with {server} failed: {why}");
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

        if (_delivered.Highest.Count > 0)
        {
            frame.Resume = new Dictionary<string, long>(_delivered.Highest, StringComparer.OrdinalIgnoreCase);
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
                if (!Track(frame))
                {
                    return; // already delivered (it came in a replay too): each seq reaches the events once
                }

                break;
            case FrameTypes.History when frame.Re is null:
                // Join and resume history is part of the conversation stream (answers to requests are not): repeats dropped.
                frame.Messages = [.. (frame.Messages ?? []).Where(message => Track(message, frame.Room))];
                break;
            case FrameTypes.Welcome:
                // Published here, in arrival order, so the welcome precedes the room and history events that follow it;
                // the link serves requests from here on.
                var reconnected = Welcome is not null;
                Welcome = WireMapping.ToWelcome(frame);
                Token = frame.Token ?? Token;
                _link = link;
                _welcomedBy = link.Server;
                Publish(new Welcomed(Welcome, reconnected));
                RestoreAway(link, reconnected);
                SetState(ConnectionState.Connected, $"connected to {link.Server} as {frame.User}", link.Server);
                link.Hello.TrySetResult(frame);
                return;
            case FrameTypes.Error when frame.Re == HelloId:
                link.Hello.TrySetResult(frame);
                return;
            case FrameTypes.Ping:
                // The server's heartbeat: answer it. Fire-and-forget is safe: a failed write ends the link anyway.
                _ = WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Pong, Id = frame.Id });
                return;
            case FrameTypes.Error when frame.Re == AwayRestoreId:
                return; // a server without away: nothing to restore, nothing to tell the user
            case FrameTypes.Away when string.Equals(frame.User, Welcome?.User, StringComparison.OrdinalIgnoreCase):
                _awayText = frame.Text; // ours, set here or on another device: restored after a reconnect
                break;
            case FrameTypes.Kicked:
                link.FinalReason = WireMapping.RemovedFromServer("kicked", frame);
                break;
            case FrameTypes.Banned when frame.Room is null:
                link.FinalReason = WireMapping.RemovedFromServer("banned", frame); // a server ban: the connection closes next
                break;
            case FrameTypes.Error when frame.Re is null && WireNames.TryParse(frame.Code, out ErrorCode code) && code == ErrorCode.SessionRevoked:
                // The credentials were revoked: logging in again with them would only be refused.
                link.FinalReason = frame.Message is { Length: > 0 } revoked ? $"session revoked: {revoked}" : "session revoked: log in again";
                break;
            case FrameTypes.Left when frame.Room is { } left && string.Equals(frame.User, Welcome?.User, StringComparison.OrdinalIgnoreCase):
                // Out of the room (left, or kicked or banned from that one room: the connection itself goes on, and a
                // reconnect must follow): a later join's replay is news again.
                _delivered.Forget(left);
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
}
