using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Piazza.Core.Observability;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Options;

namespace Piazza.Server.Limits;

/// <summary>
/// Per-address connection limits, as Kestrel connection middleware on every listener (so every door, present and
/// future, gets them), before any protocol or TLS work. Long-lived connections (the native doors here; WebSocket and
/// the event stream per request, through <see cref="LongLivedConnections"/>) share one budget: how many one address
/// may hold open, and how fast it may open new ones. An HTTP or HTTPS connection as such only meets a generous cap of
/// open connections (<see cref="HttpLimitOptions.MaxConnectionsPerAddress"/>): short requests are limited by their
/// rate instead (<see cref="HttpRequestLimiter"/>), so a client making one request per connection is never refused
/// here. A refused native connection gets an <c>error</c> line (<c>too_many_connections</c>) before the close, a
/// refused HTTP connection the JSON error body with 503 and <c>Retry-After</c>; HTTPS ones are simply closed (no TLS
/// yet). IPv6 addresses count per /64.
/// </summary>
public sealed partial class ConnectionLimiter : IAsyncDisposable
{
    /// <summary>How long, and how much, a refused connection's input is read after the goodbye (see DrainAsync).</summary>
    private static readonly TimeSpan RefusalDrainTime = TimeSpan.FromMilliseconds(500);
    private const int RefusalDrainBytes = 8 * 1024;

    private readonly ConnectionOptions _options;
    private readonly DoorEndpoints _endpoints;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Dictionary<IPAddress, int> _httpOpen = [];
    private readonly int _maxHttpConnections;
    private readonly Dictionary<IPAddress, (long LoggedAt, int Unlogged)> _refusals = [];
    private readonly PartitionedRateLimiter<IPAddress>? _newConnections;

    public ConnectionLimiter(ConnectionOptions options, HttpLimitOptions httpLimits, DoorEndpoints endpoints, ILogger<ConnectionLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(httpLimits);
        _options = options;
        _maxHttpConnections = httpLimits.MaxConnectionsPerAddress;
        _endpoints = endpoints;
        _logger = logger;
        if (options.ConnectionsPerSecondPerAddress > 0)
        {
            var perSecond = options.ConnectionsPerSecondPerAddress;
            var tokens = Math.Max(1, (int)Math.Round(perSecond * 0.1));
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, options.ConnectionBurstPerAddress),
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / perSecond),
                QueueLimit = 0,
            };
            _newConnections = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => bucket));
        }
    }

    /// <summary>Connection middleware: admits the connection or refuses it with a clear line and a log line.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        if (connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        var address = AddressText.LimitGroup(remote.Address);
        var http = IsHttpListener(connection);
        var refusal = http ? TryOpenHttp(address) : Admit(address);
        if (refusal is not null)
        {
            LogRefusal(address, refusal);
            await RefuseAsync(connection, refusal).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Release(http ? _httpOpen : _open, address);
        }
    }

    /// <summary>HTTP connections open now from the address (its /64 for IPv6), long-lived or not.</summary>
    public int HttpOpenFrom(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            return _httpOpen.GetValueOrDefault(AddressText.LimitGroup(address));
        }
    }

    /// <summary>Long-lived connections open now from the address (its /64 for IPv6): native, WebSocket, event streams.</summary>
    public int OpenFrom(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            return _open.GetValueOrDefault(AddressText.LimitGroup(address));
        }
    }

    /// <summary>
    /// Takes a place for a long-lived connection made by an HTTP request (a WebSocket, an event stream): the same
    /// rate and count as a native connection. Null when taken, else the refusal, logged like a refused connection.
    /// <see cref="ExitLongLived"/> gives it back.
    /// </summary>
    public string? TryEnterLongLived(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var group = AddressText.LimitGroup(address);
        var refusal = Admit(group);
        if (refusal is not null)
        {
            LogRefusal(group, refusal);
        }

        return refusal;
    }

    /// <summary>Gives back a place taken by <see cref="TryEnterLongLived"/>.</summary>
    public void ExitLongLived(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Release(_open, AddressText.LimitGroup(address));
    }

    private bool IsHttpListener(ConnectionContext connection)
    {
        var port = (connection.LocalEndPoint as IPEndPoint)?.Port;
        return port is not null && (port == _endpoints.HttpEndPoint?.Port || port == _endpoints.HttpsEndPoint?.Port);
    }

    private string? TryOpenHttp(IPAddress address)
    {
        lock (_gate)
        {
            var open = _httpOpen.GetValueOrDefault(address);
            if (_maxHttpConnections > 0 && open >= _maxHttpConnections)
            {
                return $"too many HTTP connections from your address (limit {_maxHttpConnections} at once)";
            }

            _httpOpen[address] = open + 1;
            return null;
        }
    }

    private string? Admit(IPAddress address)
    {
        if (_newConnections is not null)
        {
            using var lease = _newConnections.AttemptAcquire(address);
            if (!lease.IsAcquired)
            {
                return $"too many new connections from your address (limit {_options.ConnectionsPerSecondPerAddress:0.##} per second); try again shortly";
            }
        }

        return TryOpen(address);
    }

    private string? TryOpen(IPAddress address)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(address);
            if (_options.MaxConnectionsPerAddress > 0 && open >= _options.MaxConnectionsPerAddress)
            {
                return $"too many connections from your address (limit {_options.MaxConnectionsPerAddress} at once)";
            }

            _open[address] = open + 1;
            return null;
        }
    }

    private void Release(Dictionary<IPAddress, int> counts, IPAddress address)
    {
        lock (_gate)
        {
            var open = counts.GetValueOrDefault(address) - 1;
            if (open <= 0)
            {
                counts.Remove(address);
            }
            else
            {
                counts[address] = open;
            }
        }
    }

    private async Task RefuseAsync(ConnectionContext connection, string reason)
    {
        var port = (connection.LocalEndPoint as IPEndPoint)?.Port;
        byte[]? goodbye = null;
        if (port is not null && port == _endpoints.PlainTcpEndPoint?.Port)
        {
            goodbye = FrameCodec.EncodeLine(new ServerFrame { Type = FrameTypes.Error, Code = ErrorCode.TooManyConnections.ToWire(), Message = reason, RetryAfter = 1 });
        }
        else if (port is not null && port == _endpoints.IrcEndPoint?.Port)
        {
            // What IRC servers say when they close a link; nothing can be said in clear on the TLS ports (before TLS).
            goodbye = new Doors.Irc.IrcLine().Command(null, "ERROR").Trailing("Closing link: " + reason).ToBytes();
        }
        else if (port is not null && port == _endpoints.HttpEndPoint?.Port)
        {
            // Written raw: the connection is refused before Kestrel reads a request. The status and the JSON body are
            // the ones every endpoint uses (HttpErrors), so a client reads this refusal as any other.
            var body = JsonSerializer.SerializeToUtf8Bytes(HttpErrors.Body(ErrorCode.TooManyConnections, reason, TimeSpan.FromSeconds(1)), ApiJsonContext.Default.ErrorResponse);
            var status = HttpErrors.StatusOf(ErrorCode.TooManyConnections);
            goodbye = [.. Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
        }

        try
        {
            if (goodbye is not null)
            {
                // Written and flushed, then what the client sends meanwhile is read before the close (see DrainAsync):
                // completing the output is what closes the socket.
                await connection.Transport.Output.WriteAsync(goodbye).ConfigureAwait(false);
                await DrainAsync(connection.Transport.Input).ConfigureAwait(false);
            }

            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // the peer is gone already: nothing to tell it
        }
    }

    /// <summary>
    /// Keeps a refused connection open briefly (until the client closes, or for a moment and a few KB) while reading
    /// what it sends after the goodbye (an IRC client's NICK and USER, a request): closed at once, the socket would
    /// answer those with a reset, and the client would see "broken pipe" rather than the reason.
    /// </summary>
    private static async Task DrainAsync(System.IO.Pipelines.PipeReader input)
    {
        using var patience = new CancellationTokenSource(RefusalDrainTime);
        long drained = 0;
        try
        {
            while (drained < RefusalDrainBytes)
            {
                var result = await input.ReadAsync(patience.Token).ConfigureAwait(false);
                drained += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client kept the connection open: it is closed now, as it would have been without the wait
        }
    }

    /// <summary>One warning per address per second at most, with the count of refusals not logged since: a flood must not flood the log.</summary>
    private void LogRefusal(IPAddress address, string reason)
    {
        HubMetrics.RateLimited(RateLimitKind.Connections);
        var now = Environment.TickCount64;
        int unlogged;
        lock (_gate)
        {
            if (_refusals.Count > 10_000)
            {
                _refusals.Clear();
            }

            var record = _refusals.GetValueOrDefault(address);
            if (record.LoggedAt != 0 && now - record.LoggedAt < 1000)
            {
                _refusals[address] = (record.LoggedAt, record.Unlogged + 1);
                return;
            }

            unlogged = record.Unlogged;
            _refusals[address] = (now, 0);
        }

        Refused(_logger, address.ToString(), reason, unlogged);
    }

    public async ValueTask DisposeAsync()
    {
        if (_newConnections is not null)
        {
            await _newConnections.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(30, LogLevel.Warning, "Refused a connection from {Address}: {Reason} ({Unlogged} more refused since the last line)")]
    private static partial void Refused(ILogger logger, string address, string reason, int unlogged);
}
