using System.Net;

namespace Piazza.Bench.Targets;

/// <summary>Piazza's native protocol: every member is one <see cref="PiazzaConnection"/> in the lobby.</summary>
internal sealed class PiazzaTarget(IPEndPoint endPoint) : IBenchTarget
{
    public string Name => "piazza";

    public async Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken)
        => await PiazzaConnection.ConnectAsync(endPoint, name, counter, null, cancellationToken).ConfigureAwait(false);

    public async Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken)
        => await PiazzaConnection.ConnectAsync(endPoint, name, echoes, onAck, cancellationToken).ConfigureAwait(false);
}
