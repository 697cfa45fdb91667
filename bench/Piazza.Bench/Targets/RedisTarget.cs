using System.Net;

namespace Piazza.Bench.Targets;

/// <summary>
/// Redis pub/sub in the same topology: receivers SUBSCRIBE to one channel, senders PUBLISH to it. A RESP2
/// connection that subscribes cannot publish, so each sender holds two connections: one publishing and one
/// subscribed, so that it hears its own messages like a Piazza sender does.
/// </summary>
internal sealed class RedisTarget(IPEndPoint endPoint, string channel) : IBenchTarget
{
    public string Name => "redis";

    public async Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken)
        => await RedisConnection.SubscribeAsync(endPoint, channel, counter, cancellationToken).ConfigureAwait(false);

    public async Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken)
    {
        var listening = await RedisConnection.SubscribeAsync(endPoint, channel, echoes, cancellationToken).ConfigureAwait(false);
        try
        {
            var publishing = await RedisConnection.PublisherAsync(endPoint, channel, onAck, cancellationToken).ConfigureAwait(false);
            return new RedisPublisher(publishing, listening);
        }
        catch
        {
            await listening.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class RedisPublisher(RedisConnection publishing, RedisConnection listening) : IPublisher
    {
        public long Acked => publishing.Acked;

        public long Rejected => publishing.Rejected;

        public void Append(ReadOnlySpan<byte> text) => publishing.AppendPublish(text);

        public ValueTask FlushAsync(CancellationToken cancellationToken) => publishing.FlushAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await publishing.DisposeAsync().ConfigureAwait(false);
            await listening.DisposeAsync().ConfigureAwait(false);
        }
    }
}
