using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Ports;

namespace Piazza.Core.Messaging;

/// <summary>
/// The in-process <see cref="IFanOutBus"/>: hands a durable message to its loaded conversation, which queues it to
/// every attached connection. A conversation with an append pending is never evicted, so it is always found.
/// </summary>
internal sealed class LocalFanOut(Func<string, Conversation?> findLoaded, SlowConsumers slowConsumers) : IFanOutBus
{
    public void Publish(MessageEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (findLoaded(message.Conversation) is { } conversation)
        {
            slowConsumers.Run(overflowed => conversation.Deliver(message, overflowed));
        }
    }
}
