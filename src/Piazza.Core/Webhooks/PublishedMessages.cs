using Piazza.Core.Ports;

namespace Piazza.Core.Webhooks;

/// <summary>
/// The fan-out the sequencers publish to, telling listeners (the outgoing webhooks' worker) which conversation has a
/// new durable message, after this node's connections have it. Listeners must not block.
/// </summary>
internal sealed class PublishedMessages(IFanOutBus inner) : IFanOutBus
{
    public event Action<string>? Stored;

    public void Publish(MessageEvent message)
    {
        inner.Publish(message);
        Stored?.Invoke(message.Conversation);
    }
}
