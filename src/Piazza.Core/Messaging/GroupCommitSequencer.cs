using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// The in-process <see cref="IMessageSequencer"/>: each conversation counts its seqs in memory (starting from the
/// store's last one) and queues appends to the one group-commit <see cref="MessageLog"/>.
/// </summary>
internal sealed class GroupCommitSequencer(IMessageStore store, IFanOutBus bus, Action<Exception> onFailure, TimeProvider time) : IMessageSequencer
{
    private readonly MessageLog _log = new(store, bus, onFailure, time);

    public bool HasFailed => _log.HasFailed;

    public async Task<IMessageSequence> OpenAsync(string conversation, CancellationToken cancellationToken = default)
        => new Sequence(_log, await store.LastSeqAsync(conversation, cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync() => _log.DisposeAsync();

    private sealed class Sequence(MessageLog log, long lastSeq) : IMessageSequence
    {
        private readonly Lock _gate = new();
        private long _lastAssigned = lastSeq;
        private int _pending;

        public long StartSeq { get; } = lastSeq;

        public int Pending => Volatile.Read(ref _pending);

        public Task<SendOutcome> Append(Func<long, MessageEvent> create, string? fromAccount, string? clientId)
        {
            // The conversation calls this under its own lock; this one keeps the port safe for any caller.
            lock (_gate)
            {
                var message = create(_lastAssigned + 1);
                Interlocked.Increment(ref _pending);
                var durable = log.Append(message, fromAccount, clientId, () => Interlocked.Decrement(ref _pending));
                _lastAssigned++;
                return durable;
            }
        }
    }
}
