using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Piazza.Cluster.Redis;

/// <summary>
/// A node's one link to the cluster's Redis (one <see cref="ConnectionMultiplexer"/>) and the adapters that share it:
/// <see cref="Bus"/> (signals between nodes) and <see cref="Claims"/> (names, cluster-wide). The server connects at
/// start with <see cref="ConnectAsync"/>, passes both to the hub, and disposes this after the hub (see
/// <see cref="DisposeAsync"/>).
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private int _disposed;

    private RedisCluster(ConnectionMultiplexer multiplexer, string nodeId, RedisClusterOptions options, ILoggerFactory loggers, TimeProvider time)
    {
        _multiplexer = multiplexer;
        NodeId = nodeId;
        Options = options;
        Bus = new RedisClusterBus(multiplexer, nodeId, options, loggers.CreateLogger<RedisClusterBus>(), time);
        Claims = new RedisNameClaims(multiplexer, nodeId, options, loggers.CreateLogger<RedisNameClaims>(), time);
    }

    public string NodeId { get; }

    public RedisClusterOptions Options { get; }

    public RedisClusterBus Bus { get; }

    public RedisNameClaims Claims { get; }

    /// <summary>Whether the link to Redis is up now.</summary>
    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>
    /// Connects to Redis (<paramref name="configuration"/> is a StackExchange.Redis configuration string such as
    /// <c>127.0.0.1:6379,password=…</c>). Throws <see cref="InvalidOperationException"/> with one line naming the
    /// endpoint and the reason when Redis cannot be reached now; once connected, the link reconnects by itself.
    /// </summary>
    public static async Task<RedisCluster> ConnectAsync(
        string configuration, string nodeId, ILoggerFactory? loggers = null, RedisClusterOptions? options = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var settings = ConfigurationOptions.Parse(configuration);

        // Fail the first connect (a clear line at start); later losses reconnect in the background.
        settings.AbortOnConnectFail = true;

        // A command while the link is down fails at once instead of waiting in a backlog: a signal sent late is worse
        // than one dropped (receivers resynchronise), and a name claim must answer `unavailable` promptly.
        settings.BacklogPolicy = BacklogPolicy.FailFast;
        settings.ClientName ??= "piazza-" + nodeId;
        var endpoints = string.Join(", ", settings.EndPoints.Select(e => e.ToString()));
        if (await UnreachableReasonAsync(settings) is { } unreachable)
        {
            throw new InvalidOperationException($"cannot reach Redis at {endpoints}: {unreachable}");
        }

        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(settings).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"cannot reach Redis at {endpoints}: {Reason(ex)}", ex);
        }

        return new RedisCluster(multiplexer, nodeId, options ?? new RedisClusterOptions(), loggers ?? NullLoggerFactory.Instance, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Stops the claims (queued releases are written, the node's liveness key deleted, so its names are free at once),
    /// then the bus, then closes the link. Call after the hub is disposed (its connections released their names).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Claims.DisposeAsync().ConfigureAwait(false);
        await Bus.DisposeAsync().ConfigureAwait(false);
        await _multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
        await _multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Why no endpoint accepts a TCP connection ("Connection refused"), or null when one does.</summary>
    private static async Task<string?> UnreachableReasonAsync(ConfigurationOptions settings)
    {
        string? reason = null;
        foreach (var endpoint in settings.EndPoints)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(settings.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
                return null;
            }
            catch (SocketException ex)
            {
                reason ??= ex.Message;
            }
            catch (OperationCanceledException)
            {
                reason ??= $"no answer within {settings.ConnectTimeout} ms";
            }
        }

        return reason;
    }

    /// <summary>The innermost cause in a few words ("Connection refused"), not the library's paragraph of advice.</summary>
    private static string Reason(RedisConnectionException ex)
    {
        Exception cause = ex;
        while (cause.InnerException is { } inner)
        {
            cause = inner;
        }

        return cause == ex ? ex.FailureType.ToString() : $"{ex.FailureType} ({cause.Message})";
    }
}
