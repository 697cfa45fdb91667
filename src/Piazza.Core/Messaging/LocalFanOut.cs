using System.Collections.Concurrent;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Observability;
using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// The in-process <see cref="IFanOutBus"/>: hands a durable message to its loaded conversation, which queues it to
/// every attached connection in seq order. On a node alone messages always come in order. In a cluster one may come
/// early (another node's, over the bus) and its conversation holds it: if the gap is still open after
/// <see cref="GapWait"/> (the signal was lost or is late), the missing seqs are read from the store, which has them:
/// a conversation's seqs commit in order, so a later seq being durable means every earlier one is too.
/// </summary>
internal sealed class LocalFanOut(Func<string, Conversation?> findLoaded, SlowConsumers slowConsumers, IMessageStore store, TimeProvider time, Action<Exception>? onReadFailure = null) : IFanOutBus
{
    /// <summary>How long a gap may wait for the bus before the store is read: a bus hop between nodes takes well under a millisecond.</summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait before reading again when the store could not be read.</summary>
    private static readonly TimeSpan RetryWait = TimeSpan.FromSeconds(1);

    private const int FillPage = 256;

    private readonly ConcurrentDictionary<Conversation, ITimer> _scheduled = new();

    public void Publish(MessageEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (findLoaded(message.Conversation) is { } conversation)
        {
            Offer(conversation, message);
        }
    }

    /// <summary>Delivers one message in order; schedules a read of the store when it leaves a gap.</summary>
    public void Offer(Conversation conversation, MessageEvent message)
    {
        var gap = false;
        var started = HubMetrics.TimingFanOut ? time.GetTimestamp() : 0;
        slowConsumers.Run(overflowed => gap = conversation.Offer(message, overflowed));
        if (started != 0)
        {
            HubMetrics.FannedOut(time.GetElapsedTime(started));
        }
        if (gap)
        {
            Schedule(conversation, GapWait, force: false);
        }
    }

    /// <summary>
    /// Reads from the store whatever was stored after what the conversation delivered, gap or not: after the bus was
    /// cut, signals may have been lost with no later one to reveal the gap.
    /// </summary>
    public Task CatchUpAsync(Conversation conversation) => FillAsync(conversation, force: true);

    private void Schedule(Conversation conversation, TimeSpan wait, bool force)
    {
        if (_scheduled.ContainsKey(conversation))
        {
            return;
        }

        var timer = time.CreateTimer(static state => ((Action)state!)(), (Action)(() => _ = FillAsync(conversation, force)), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_scheduled.TryAdd(conversation, timer))
        {
            timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    private async Task FillAsync(Conversation conversation, bool force)
    {
        if (_scheduled.TryRemove(conversation, out var timer))
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            while (force || conversation.HasGap)
            {
                var page = await store.ReadAfterAsync(conversation.Key, conversation.LastDelivered, FillPage).ConfigureAwait(false);
                foreach (var stored in page)
                {
                    var message = conversation.FromStored(stored);
                    slowConsumers.Run(overflowed => conversation.Offer(message, overflowed));
                }

                if (page.Count < FillPage)
                {
                    break;
                }
            }

            if (conversation.HasGap)
            {
                Schedule(conversation, GapWait, force: false); // not committed yet when read: look again
            }
        }
#pragma warning disable CA1031 // the store is down: the gap is read again shortly; reported, never thrown on a timer
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onReadFailure?.Invoke(ex);
            Schedule(conversation, RetryWait, force);
        }
    }
}
