using System.Threading.Channels;

namespace Piazza.Core;

/// <summary>Limits of one connection's outbound queue.</summary>
public sealed record OutboxLimits
{
    /// <summary>Most frames queued for one connection. The default is several seconds of a busy room.</summary>
    public int MaxFrames { get; init; } = 4096;

    /// <summary>
    /// Most bytes queued for one connection (by <see cref="ChatEvent.EstimatedBytes"/>). The limit
    /// bounds what a client that stops reading can make the server hold.
    /// </summary>
    public long MaxBytes { get; init; } = 4L * 1024 * 1024;
}

/// <summary>
/// A connection's bounded outbound queue: many producers (fan-out, replies), one consumer (the door's writer loop).
/// Slow-consumer policy: when an enqueue would exceed either limit it fails instead of waiting or dropping
/// silently, and the hub disconnects that client with reason <c>slow_consumer</c>. Nobody else ever waits.
/// </summary>
public sealed class BoundedOutbox<T>(OutboxLimits limits)
{
    private readonly Channel<(T Item, int Bytes)> _channel = Channel.CreateUnbounded<(T, int)>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly OutboxLimits _limits = limits;
    private long _bytes;
    private int _frames;
    private TaskCompletionSource? _drained;
    private volatile bool _completed;

    public int QueuedFrames => Volatile.Read(ref _frames);

    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>Queues an item unless a limit would be exceeded or the outbox is completed.</summary>
    public bool TryEnqueue(T item, int estimatedBytes)
    {
        if (Interlocked.Increment(ref _frames) > _limits.MaxFrames)
        {
            Interlocked.Decrement(ref _frames);
            return false;
        }

        if (Interlocked.Add(ref _bytes, estimatedBytes) > _limits.MaxBytes)
        {
            Interlocked.Add(ref _bytes, -estimatedBytes);
            Interlocked.Decrement(ref _frames);
            return false;
        }

        if (!_channel.Writer.TryWrite((item, estimatedBytes)))
        {
            Interlocked.Add(ref _bytes, -estimatedBytes);
            Interlocked.Decrement(ref _frames);
            return false;
        }

        return true;
    }

    /// <summary>Takes the next item if one is queued.</summary>
    public bool TryDequeue(out T item)
    {
        if (_channel.Reader.TryRead(out var entry))
        {
            var bytes = Interlocked.Add(ref _bytes, -entry.Bytes);
            var frames = Interlocked.Decrement(ref _frames);
            if (Volatile.Read(ref _drained) is { } waiter && IsHalfEmpty(bytes, frames))
            {
                waiter.TrySetResult();
            }

            item = entry.Item;
            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>Waits until an item is queued; false once the outbox is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// Completes when the outbox is at most half full, so a producer of a long stream for this one consumer
    /// (a history catch-up) can pace itself instead of overflowing the bound.
    /// </summary>
    public Task WaitForHalfEmptyAsync(CancellationToken cancellationToken = default)
    {
        if (_completed || IsHalfEmpty(QueuedBytes, QueuedFrames))
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, waiter);

        // Re-check: the consumer may have drained everything before the waiter was visible.
        // Completed but not drained (an aborted connection) never drains: nobody may wait for it.
        if (_completed || IsHalfEmpty(QueuedBytes, QueuedFrames))
        {
            waiter.TrySetResult();
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private bool IsHalfEmpty(long bytes, int frames) => bytes <= _limits.MaxBytes / 2 && frames <= _limits.MaxFrames / 2;

    /// <summary>No more items will be accepted; the consumer drains what is queued, then stops.</summary>
    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
        Volatile.Read(ref _drained)?.TrySetResult(); // nobody will drain it any more; let waiters go
    }
}
