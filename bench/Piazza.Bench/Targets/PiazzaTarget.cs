using System.Net;

namespace Piazza.Bench.Targets;

/// <summary>
/// Piazza's native protocol: every member is one <see cref="PiazzaConnection"/> in the lobby. Given several nodes of
/// a cluster, members are spread over them round-robin (receiver i on node i mod N, sender s on node s mod N), so a
/// message sent on one node is heard on every node.
/// </summary>
internal sealed class PiazzaTarget(IReadOnlyList<IPEndPoint> endPoints) : IBenchTarget
{
    private int _receivers = -1;
    private int _publishers = -1;

    public string Name => endPoints.Count == 1 ? "piazza" : $"piazza on {endPoints.Count} nodes";

    public async Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken)
        => await PiazzaConnection.ConnectAsync(Next(ref _receivers), name, counter, null, cancellationToken).ConfigureAwait(false);

    public async Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken)
        => await PiazzaConnection.ConnectAsync(Next(ref _publishers), name, echoes, onAck, cancellationToken).ConfigureAwait(false);

    private IPEndPoint Next(ref int counter) => endPoints[Interlocked.Increment(ref counter) % endPoints.Count];
}
