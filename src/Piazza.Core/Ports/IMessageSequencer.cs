namespace Piazza.Core.Ports;

/// <summary>
/// A send could not be stored because the store cannot be reached now (a shared store restarting): nothing was
/// stored; the same send may be tried again (with its client id, it is stored once).
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);

/// <summary>
/// Port: per-conversation sequence assignment with durable append. A message's append is queued in one ordered step
/// (so a door can read the client's next frame at once and still keep its order) and it gets the next seq, either at
/// once (a node alone counts in memory) or in the store's transaction (a cluster); once durable it goes out on the
/// <see cref="IFanOutBus"/>. In-process default: the group-commit <see cref="Messaging.MessageLog"/> over
/// <see cref="Storage.IMessageStore"/>; a cluster: <see cref="Messaging.StoreSequencer"/> over <see cref="Storage.ISequencingStore"/>.
/// </summary>
public interface IMessageSequencer : IAsyncDisposable
{
    /// <summary>True once appends fail for good (then every send is refused rather than leave a gap); a shared store's sequencer only ever fails one batch at a time.</summary>
    bool HasFailed { get; }

    /// <summary>Opens a conversation's sequence where the store left it (when the conversation loads).</summary>
    Task<IMessageSequence> OpenAsync(string conversation, CancellationToken cancellationToken = default);
}

/// <summary>One conversation's sequence. <see cref="Append"/> must not block: it only queues.</summary>
public interface IMessageSequence
{
    /// <summary>The last seq stored when the sequence was opened: where delivery starts.</summary>
    long StartSeq { get; }

    /// <summary>Appends queued and not yet delivered (a conversation with any is not dropped from memory).</summary>
    int Pending { get; }

    /// <summary>
    /// Queues the durable append of the message <paramref name="create"/> builds from its seq. The task completes once
    /// it is durable and delivered; with <see cref="SendOutcome.Duplicate"/> when the store already held this
    /// (<paramref name="fromAccount"/>, <paramref name="clientId"/>) (then it is the earlier message). It faults with
    /// <see cref="StoreUnavailableException"/> when the store cannot be reached, with another
    /// <see cref="InvalidOperationException"/> when the sequencer has failed.
    /// </summary>
    Task<SendOutcome> Append(Func<long, MessageEvent> create, string? fromAccount, string? clientId);
}

/// <summary>
/// Port: delivers durable messages to this node's connections attached to their conversation; the conversation's
/// gate puts them in seq order (one that arrives early is held until the gap is filled). In-process default:
/// <see cref="Messaging.LocalFanOut"/>. In a cluster the messages other nodes stored arrive through it too (from the
/// <see cref="IClusterBus"/>, or read from the store to fill a gap).
/// </summary>
public interface IFanOutBus
{
    /// <summary>Must not block: it only queues to outboxes.</summary>
    void Publish(MessageEvent message);
}
