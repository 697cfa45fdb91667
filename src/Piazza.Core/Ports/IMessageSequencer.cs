namespace Piazza.Core.Ports;

/// <summary>A message that has its seq, and the wait for it to be durable (faults when it could not be stored).</summary>
public readonly record struct SequencedMessage(MessageEvent Message, Task<MessageEvent> Durable);

/// <summary>
/// Port: per-conversation sequence assignment with durable append. A message gets the next seq and its append is
/// queued in one ordered step, so a door can read the client's next frame at once and still keep its order; once
/// durable the message goes out on the <see cref="IFanOutBus"/>. In-process default: the group-commit
/// <see cref="Messaging.MessageLog"/> over <see cref="Storage.IMessageStore"/>; a cluster implements it over PostgreSQL.
/// </summary>
public interface IMessageSequencer : IAsyncDisposable
{
    /// <summary>True once appends fail for good (then every send is refused rather than leave a gap).</summary>
    bool HasFailed { get; }

    /// <summary>Opens a conversation's sequence where the store left it (when the conversation loads).</summary>
    Task<IMessageSequence> OpenAsync(string conversation, CancellationToken cancellationToken = default);
}

/// <summary>One conversation's sequence. <see cref="Append"/> must not block: it only assigns and queues.</summary>
public interface IMessageSequence
{
    long LastAssigned { get; }

    /// <summary>Gives the message <paramref name="create"/> builds the next seq and queues its durable append.</summary>
    SequencedMessage Append(Func<long, MessageEvent> create, string? fromAccount, string? clientId);
}

/// <summary>
/// Port: delivers durable messages to the connections attached to their conversation, in seq order. In-process
/// default: <see cref="Messaging.LocalFanOut"/> (straight to the loaded conversation); a cluster publishes on Redis
/// and every node delivers to its own connections.
/// </summary>
public interface IFanOutBus
{
    /// <summary>Must not block: it only queues to outboxes.</summary>
    void Publish(MessageEvent message);
}
