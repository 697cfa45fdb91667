using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Keeping the connection: watching the link, and on its loss going round the servers (the next one first) with
/// backoff between full rounds, logging in again with the token and resuming every conversation from its last seq.
/// </summary>
public sealed partial class PiazzaClient
{
    /// <summary>Watches the current link and replaces it when it is lost, until closed.</summary>
    private async Task SuperviseAsync(Link link)
    {
        while (true)
        {
            // Not awaited: the link is watched meanwhile (a write that hangs on a dead link must not stop that).
            _ = ReleaseWaitingRequestsAsync(link);
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

            if (!Options.Reconnect || link.FinalReason is not null)
            {
                SetState(ConnectionState.Disconnected, link.FinalReason ?? reason);
                _events.Writer.TryComplete();
                return;
            }

            var next = await ReconnectAsync(link.Server, Options.ServersToTry.Count > 1 ? $"{link.Server}: {reason}" : reason).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            link = next;
        }
    }

    /// <summary>
    /// Ends the wait before the next reconnect attempt, so that it starts now (e.g. when the user asks to retry).
    /// Returns false when there is no wait to cut short: connected, closed, or an attempt is already under way.
    /// The backoff goes on from where it was should this attempt fail too.
    /// </summary>
    public bool ReconnectNow()
    {
        var wait = Volatile.Read(ref _reconnectWait);
        if (wait is null || State != ConnectionState.Reconnecting)
        {
            return false;
        }

        try
        {
            wait.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // the wait had just ended
        }
    }

    /// <summary>
    /// Goes round the servers, starting with the one after <paramref name="lost"/> (with a single server: that one
    /// again). Every round waits first, the wait doubling after each failed round up to the maximum, jittered so that
    /// the clients of a node that died do not all arrive at the next node in the same instant. Each wait is announced
    /// as a <see cref="ConnectionState.Reconnecting"/> change carrying its end (<see cref="ConnectionStateChanged.NextAttemptAt"/>),
    /// and <see cref="ReconnectNow"/> cuts it short.
    /// </summary>
    private async Task<Link?> ReconnectAsync(ServerEndpoint lost, string lostReason)
    {
        var servers = Options.ServersToTry;
        var clock = Options.TimeProvider;
        var start = (IndexOf(servers, lost) + 1) % servers.Count;
        var delay = Options.InitialBackoff;
        var detail = lostReason;
        for (var round = 1; ; round++)
        {
            var jittered = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token))
                {
                    Volatile.Write(ref _reconnectWait, wait);
                    SetState(ConnectionState.Reconnecting, detail, nextAttemptAt: clock.GetUtcNow() + jittered);
                    try
                    {
                        await Task.Delay(jittered, clock, wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
                    {
                        // ReconnectNow: try at once
                    }
                    finally
                    {
                        Volatile.Write(ref _reconnectWait, null);
                    }
                }

                return await OpenAnyLinkAsync(start, _lifetime.Token).ConfigureAwait(false);
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
            catch (PiazzaException ex) when (ex.Code is ErrorCode.BadName or ErrorCode.ProtocolVersion or ErrorCode.AuthFailed or ErrorCode.NameReserved or ErrorCode.AuthRequired or ErrorCode.Banned or ErrorCode.AccountDisabled)
            {
                SetState(ConnectionState.Disconnected, ex.Code == ErrorCode.Banned ? $"banned: {ex.Message}" : ex.Message);
                _events.Writer.TryComplete();
                return null;
            }
            catch (PiazzaException ex) when (Options.MaxReconnectRounds is { } most && round >= most)
            {
                SetState(ConnectionState.Disconnected, $"gave up after {round} round{(round == 1 ? "" : "s")} of {servers.Count} server{(servers.Count == 1 ? "" : "s")}: {ex.Message}");
                _events.Writer.TryComplete();
                return null;
            }
            catch (PiazzaException ex)
            {
                detail = $"attempt {round} failed: {ex.Message}";
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxBackoff.Ticks));
        }
    }

    private static int IndexOf(IReadOnlyList<ServerEndpoint> servers, ServerEndpoint server)
    {
        for (var i = 0; i < servers.Count; i++)
        {
            if (servers[i] == server)
            {
                return i;
            }
        }

        return -1;
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
