namespace Piazza.Core.Storage;

/// <summary>One message of <see cref="ISequencingStore.AppendAssigningAsync"/>: as stored, and whether it was stored before.</summary>
public readonly record struct AppendedMessage(StoredMessage Message, bool Duplicate);

/// <summary>
/// The store assigns seqs: what lets several nodes share one store. A conversation's next seq is taken inside the
/// transaction that stores the message (a row lock on the conversation's counter), so concurrent appenders on any
/// node get 1, 2, 3, … with no gap and no repeat, and an aborted transaction takes no seq.
/// </summary>
public interface ISequencingStore
{
    /// <summary>
    /// Appends <paramref name="batch"/> in one transaction (all or none, durable when the task completes), giving each
    /// message the next seq of its conversation in list order (the <see cref="StoredMessage.Seq"/> passed is ignored).
    /// A message whose (<see cref="StoredMessage.FromAccount"/>, <see cref="StoredMessage.ClientId"/>) is already
    /// stored (both non-null) is not stored again and takes no seq: its result is the stored message with
    /// <see cref="AppendedMessage.Duplicate"/> set; so is a repeat within the batch. One result per message, in order.
    /// </summary>
    Task<IReadOnlyList<AppendedMessage>> AppendAssigningAsync(IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken = default);
}
