using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Piazza.Core.Ports;
using StackExchange.Redis;

namespace Piazza.Cluster.Redis;

/// <summary>
/// <see cref="INameClaims"/> shared by every node through Redis, with the semantics of
/// <see cref="Piazza.Core.Online.InProcessNameClaims"/> cluster-wide (Lua scripts in <see cref="NameClaimScripts"/>).
/// This node's claims and releases go through one queue, in order, and each writes the node's absolute count of
/// connections holding a name, so a release queued behind a claim can never undo it. The node keeps its own copy of
/// what it holds and writes it all again when Redis comes back (a restarted Redis has lost every claim). While Redis
/// cannot be reached a claim answers <see cref="NameClaimStatus.Unavailable"/> at once.
/// </summary>
public sealed partial class RedisNameClaims : INameClaims, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly string _nodeId;
    private readonly RedisClusterOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly ITimer _liveness;

    // The loop's own: what this node's connections hold, by name key (Count 0 = released, not yet written).
    private readonly Dictionary<string, HeldName> _held = new(StringComparer.Ordinal);
    private bool _unreachableLogged;
    private int _disposed;

    internal RedisNameClaims(IConnectionMultiplexer multiplexer, string nodeId, RedisClusterOptions options, ILogger logger, TimeProvider time)
    {
        _multiplexer = multiplexer;
        _nodeId = nodeId;
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
        multiplexer.ConnectionRestored += OnConnectionRestored;
        _liveness = time.CreateTimer(_ => _ = RefreshLivenessAsync(), null, TimeSpan.Zero, options.NodeRefreshInterval);
    }

    private sealed class HeldName(NameClaim claim, string skeleton, int count)
    {
        public NameClaim Claim { get; set; } = claim;

        public string Skeleton { get; } = skeleton;

        public int Count { get; set; } = count;
    }

    private abstract record Operation;

    private sealed record ClaimOperation(NameClaim Claim, string Skeleton, bool RefuseLookAlikes) : Operation
    {
        public TaskCompletionSource<NameClaimResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>0 waiting, 1 answered, 2 the caller gave up (then a claim made late is given back).</summary>
        public int State;
    }

    private sealed record ReleaseOperation(NameClaim Claim) : Operation;

    private sealed record ReassignOperation(string NameKey, string From, string To) : Operation
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record ReassertOperation : Operation;

    private sealed record FlushOperation : Operation
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private IDatabase Database => _multiplexer.GetDatabase();

    public async ValueTask<NameClaimResult> TryClaimAsync(NameClaim claim, string skeleton, bool refuseLookAlikes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(skeleton);
        var unavailable = new NameClaimResult(NameClaimStatus.Unavailable, null);
        if (!_multiplexer.IsConnected || Volatile.Read(ref _disposed) != 0)
        {
            return unavailable;
        }

        var operation = new ClaimOperation(claim, skeleton, refuseLookAlikes);
        _queue.Writer.TryWrite(operation);
        try
        {
            return await operation.Result.Task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (Interlocked.CompareExchange(ref operation.State, 2, 0) == 0)
        {
            return unavailable;
        }
        catch (TimeoutException)
        {
            return await operation.Result.Task.ConfigureAwait(false); // answered just now
        }
        catch (OperationCanceledException)
        {
            if (Interlocked.CompareExchange(ref operation.State, 2, 0) == 1 && operation.Result.Task.Result.Status == NameClaimStatus.Claimed)
            {
                Release(claim); // answered as the caller gave up: nobody will use the claim
            }

            throw;
        }
    }

    public void Release(NameClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        _queue.Writer.TryWrite(new ReleaseOperation(claim));
    }

    public async ValueTask<NameClaim?> FindAsync(string nameKey, CancellationToken cancellationToken = default)
        => Holder(await EvaluateOrNullAsync(NameClaimScripts.Find, [_options.KeyPrefix, nameKey], cancellationToken).ConfigureAwait(false));

    public async ValueTask<NameClaim?> FindLookAlikeAsync(string skeleton, string nameKey, string? exceptIdentity, CancellationToken cancellationToken = default)
        => Holder(await EvaluateOrNullAsync(NameClaimScripts.FindLookAlike, [_options.KeyPrefix, skeleton, nameKey, exceptIdentity ?? ""], cancellationToken).ConfigureAwait(false));

    public async ValueTask ReassignAsync(string nameKey, string fromIdentity, string toIdentity, CancellationToken cancellationToken = default)
    {
        var operation = new ReassignOperation(nameKey, fromIdentity, toIdentity);
        _queue.Writer.TryWrite(operation);
        try
        {
            await operation.Done.Task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still queued: the local copy follows when it runs, and a re-assert writes it if Redis missed it.
        }
    }

    /// <summary>Writes the queued releases, then deletes this node's liveness key: whatever it still held is free.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _multiplexer.ConnectionRestored -= OnConnectionRestored;
        await _liveness.DisposeAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(_options.OperationTimeout * 2).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await Database.KeyDeleteAsync(_options.NodeKey(_nodeId)).WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Unreachable: the key expires by itself after its TTL.
        }
    }

    /// <summary>Completes once every operation queued before it ran (tests wait for releases with it).</summary>
    internal Task FlushAsync()
    {
        var flush = new FlushOperation();
        _queue.Writer.TryWrite(flush);
        return flush.Done.Task;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _queue.Writer.TryWrite(new ReassertOperation());

    /// <summary>Keeps this node alive in Redis; a key found missing means Redis lost it (restarted): re-assert.</summary>
    private async Task RefreshLivenessAsync()
    {
        if (!_multiplexer.IsConnected)
        {
            return;
        }

        try
        {
            var before = await Database.StringSetAndGetAsync(_options.NodeKey(_nodeId), "1", _options.NodeTtl).WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
            if (before.IsNull)
            {
                _queue.Writer.TryWrite(new ReassertOperation());
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Down: the restored link re-asserts.
        }
    }

    private async Task RunAsync()
    {
        await foreach (var operation in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await (operation switch
                {
                    ClaimOperation claim => ClaimAsync(claim),
                    ReleaseOperation release => ReleaseAsync(release.Claim),
                    ReassignOperation reassign => ReassignHeldAsync(reassign),
                    FlushOperation flush => Flushed(flush),
                    _ => ReassertAsync(),
                }).ConfigureAwait(false);
                _unreachableLogged = false;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (operation is ClaimOperation claim && Interlocked.CompareExchange(ref claim.State, 1, 0) == 0)
                {
                    claim.Result.TrySetResult(new NameClaimResult(NameClaimStatus.Unavailable, null));
                }

                (operation as ReassignOperation)?.Done.TrySetResult();
                if (!_unreachableLogged)
                {
                    _unreachableLogged = true;
                    LogUnreachable(ex.Message);
                }
            }
        }
    }

    private async Task ClaimAsync(ClaimOperation operation)
    {
        if (Volatile.Read(ref operation.State) != 0)
        {
            return; // the caller gave up before it ran
        }

        var claim = operation.Claim;
        var held = _held.GetValueOrDefault(claim.NameKey);
        var count = held is { Count: > 0 } && held.Claim.Identity == claim.Identity ? held.Count + 1 : 1;
        var reply = (RedisResult[])(await EvaluateAsync(NameClaimScripts.Claim, [
            _options.KeyPrefix, claim.NameKey, claim.Name, claim.Identity, Flag(claim.Registered), operation.Skeleton, _nodeId,
            Flag(operation.RefuseLookAlikes), (long)_options.NodeTtl.TotalMilliseconds, count]).ConfigureAwait(false))!;
        var status = (string?)reply[0] switch
        {
            "claimed" => NameClaimStatus.Claimed,
            "taken" => NameClaimStatus.Taken,
            _ => NameClaimStatus.LookAlike,
        };
        if (status != NameClaimStatus.Claimed)
        {
            operation.Result.TrySetResult(new NameClaimResult(status, Holder(reply[1..])));
            return;
        }

        _held[claim.NameKey] = held = count == 1 ? new HeldName(claim, operation.Skeleton, 1) : held!;
        held.Count = count;
        if (Interlocked.CompareExchange(ref operation.State, 1, 0) == 0)
        {
            operation.Result.TrySetResult(new NameClaimResult(NameClaimStatus.Claimed, null));
        }
        else
        {
            await ReleaseAsync(claim).ConfigureAwait(false); // claimed after the caller gave up: give it back
        }
    }

    private async Task ReleaseAsync(NameClaim claim)
    {
        if (!_held.TryGetValue(claim.NameKey, out var held) || held.Claim.Identity != claim.Identity || held.Count == 0)
        {
            return;
        }

        held.Count--;
        await WriteHeldAsync(held).ConfigureAwait(false);
    }

    private async Task ReassignHeldAsync(ReassignOperation operation)
    {
        await EvaluateAsync(NameClaimScripts.Reassign, [_options.KeyPrefix, operation.NameKey, operation.From, operation.To]).ConfigureAwait(false);
        if (_held.TryGetValue(operation.NameKey, out var held) && held.Claim.Identity == operation.From)
        {
            held.Claim = held.Claim with { Identity = operation.To, Registered = true };
        }

        operation.Done.TrySetResult();
    }

    private static Task Flushed(FlushOperation flush)
    {
        flush.Done.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Writes every name this node holds (and the ones released while Redis was away) again.</summary>
    private async Task ReassertAsync()
    {
        foreach (var held in _held.Values.ToList())
        {
            await WriteHeldAsync(held).ConfigureAwait(false);
        }
    }

    /// <summary>Writes this node's count for a name; at 0 the local copy goes once Redis has it.</summary>
    private async Task WriteHeldAsync(HeldName held)
    {
        var claim = held.Claim;
        var reply = (RedisResult[])(await EvaluateAsync(NameClaimScripts.Assert, [
            _options.KeyPrefix, claim.NameKey, claim.Name, claim.Identity, Flag(claim.Registered), held.Skeleton, _nodeId, held.Count,
            (long)_options.NodeTtl.TotalMilliseconds]).ConfigureAwait(false))!;
        if ((string?)reply[0] == "conflict")
        {
            LogConflict(claim.Name, (string?)reply[3] ?? "?");
        }

        if (held.Count == 0)
        {
            _held.Remove(claim.NameKey);
        }
    }

    private Task<RedisResult> EvaluateAsync(string script, RedisValue[] arguments)
        => Database.ScriptEvaluateAsync(script, keys: null, values: arguments).WaitAsync(_options.OperationTimeout);

    private async Task<RedisResult?> EvaluateOrNullAsync(string script, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        if (!_multiplexer.IsConnected)
        {
            return null;
        }

        try
        {
            return await EvaluateAsync(script, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null; // presence answers "nobody" while Redis is away; a claim still refuses with `unavailable`
        }
    }

    private static RedisValue Flag(bool value) => value ? "1" : "0";

    /// <summary>A holder from a script's reply: {nameKey, name, identity, registered}, after a status when there is one.</summary>
    private static NameClaim? Holder(RedisResult? result)
    {
        if (result is null || result.IsNull)
        {
            return null;
        }

        var fields = (RedisResult[])result!;
        return Holder(fields.Length == 4 ? fields : fields[1..]);
    }

    private static NameClaim? Holder(RedisResult[] fields)
    {
        if (fields.Length < 4 || fields[0].IsNull || fields[2].IsNull)
        {
            return null;
        }

        return new NameClaim((string)fields[0]!, (string?)fields[1] ?? (string)fields[0]!, (string)fields[2]!, (string?)fields[3] == "1");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "name claims cannot reach Redis ({Reason}); logins answer 'unavailable' until it returns")]
    private partial void LogUnreachable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "name '{Name}' held here is held by {Identity} in Redis (taken while Redis was away); both keep it until one leaves")]
    private partial void LogConflict(string name, string identity);
}
