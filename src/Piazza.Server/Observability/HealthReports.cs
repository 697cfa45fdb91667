using System.Text.Json.Serialization;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Cluster;

namespace Piazza.Server.Observability;

/// <summary>The <c>/healthz</c> body: alive, and whether degraded (with each problem); always 200 while the process serves.</summary>
public sealed record HealthReport(string Status, string Node, IReadOnlyList<string> Problems);

/// <summary>The <c>/readyz</c> body: <c>ready</c> (200) or <c>not_ready</c> (503) with every check and the failing ones named.</summary>
public sealed record ReadinessReport(string Status, string Node, IReadOnlyList<ReadinessCheck> Checks, IReadOnlyList<string> Failing);

/// <summary>One readiness check: its name, whether it passed, and why not.</summary>
public sealed record ReadinessCheck(string Name, bool Ok, string? Detail = null);

/// <summary>The JSON of the health answers; the same rules as the API's contexts.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;

/// <summary>
/// Liveness and readiness (docs/monitoring.md). Alive is the process answering; ready is the store answering a
/// trivial read within <see cref="StoreTimeout"/>, the message log running, and in a cluster the Redis bus connected.
/// </summary>
public sealed class HealthChecks(ChatHub hub, IChatStore store, NodeHealth health)
{
    /// <summary>Names of the checks, as <c>/readyz</c> spells them.</summary>
    public const string Store = "store", MessageLog = "message_log", ClusterBus = "cluster_bus";

    /// <summary>A store slower than this is not ready: a probe must answer well within a load balancer's own timeout.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public HealthReport Liveness()
    {
        var problems = health.Problems(hub);
        return new HealthReport(problems.Count == 0 ? "ok" : "degraded", hub.NodeId, problems);
    }

    public async Task<ReadinessReport> ReadinessAsync(CancellationToken cancellationToken)
    {
        var checks = new List<ReadinessCheck>
        {
            await StoreCheckAsync(cancellationToken).ConfigureAwait(false),
            hub.MessageLogFailed ? new(MessageLog, false, "the message log stopped after a store fault; restart the server") : new(MessageLog, true),
            hub.ClusterConnected ? new(ClusterBus, true) : new(ClusterBus, false, "the cluster bus (Redis) is not connected"),
        };
        var failing = checks.Where(c => !c.Ok).Select(c => c.Name).ToList();
        return new ReadinessReport(failing.Count == 0 ? "ready" : "not_ready", hub.NodeId, checks, failing);
    }

    private async Task<ReadinessCheck> StoreCheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StoreTimeout);
            await store.LastSeqAsync(ChatHub.LobbyName, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            return new ReadinessCheck(Store, true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReadinessCheck(Store, false, $"the store did not answer within {StoreTimeout.TotalSeconds:0} s");
        }
#pragma warning disable CA1031 // any store fault is the answer: not ready
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new ReadinessCheck(Store, false, "the store did not answer: " + LogText.Of(ex.GetBaseException().Message));
        }
    }
}
