using System.Threading.Channels;
using Piazza.Core.Observability;
using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// The cluster's <see cref="IMessageSequencer"/>: the shared store assigns each message its seq in the transaction
/// that stores it (<see cref="ISequencingStore"/>), so nodes need no agreement of their own. One writer loop appends
/// whatever has queued as one transaction (group commit, as <see cref="MessageLog"/> does), then delivers the batch to
/// this node's connections, tells the other nodes over the <see cref="IClusterBus"/>, and completes the senders'
/// waits. A failed batch fails only its own sends, as <see cref="StoreUnavailableException"/>: normally nothing of it
/// was stored and no seq was taken, and the next batch tries again (so sends work again by themselves once the store
/// is back). When its commit went through unheard, the client's resend finds the message stored and announces it.
/// </summary>
internal sealed class StoreSequencer : IMessageSequencer
{
    private const int MaxBatch = 512;

    /// <summary>A batch that takes longer has failed: a hung store must not hang every sender.</summary>
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IChatStore _store;
    private readonly IFanOutBus _local;
    private readonly IClusterBus _bus;
    private readonly Action<Exception> _onFailure;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    public StoreSequencer(IChatStore store, IFanOutBus local, IClusterBus bus, Action<Exception> onFailure, TimeProvider time)
    {
        _time = time;
        _store = store;
        _local = local;
        _bus = bus;
        _onFailure = onFailure;
        _writer = Task.Run(WriteLoopAsync);
    }

    public bool HasFailed => false;

    public async Task<IMessageSequence> OpenAsync(string conversation, CancellationToken cancellationToken = default)
        => new Sequence(this, await _store.LastSeqAsync(conversation, cancellationToken).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var records = new List<StoredMessage>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            records.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                records.Add(StoredMessage.Of(pending.Message, pending.FromAccount, pending.ClientId));
            }

            IReadOnlyList<AppendedMessage> appended;
            var started = HubMetrics.TimingCommits ? _time.GetTimestamp() : 0;
            try
            {
                using var timeout = new CancellationTokenSource(BatchTimeout);
                appended = await _store.AppendAssigningAsync(records, timeout.Token).ConfigureAwait(false);
                HubMetrics.Committed(CommitWriter.StoreSequencer, batch.Count, started == 0 ? null : _time.GetElapsedTime(started), stored: true);
            }
#pragma warning disable CA1031 // any store fault fails this batch's sends, never the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                HubMetrics.Committed(CommitWriter.StoreSequencer, batch.Count, null, stored: false);
                _onFailure(ex);
                foreach (var pending in batch)
                {
                    pending.Sequence.Done();
                    pending.Completion.TrySetException(new StoreUnavailableException("messages cannot be stored right now; send again shortly", ex));
                }

                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var (pending, (stored, duplicate)) = (batch[i], appended[i]);
                // As stored: the seq the store gave it, or for a duplicate the earlier message (its own seq, text and id).
                var message = Conversations.Conversation.FromStored(stored, pending.Message.Conversation, pending.Message.Room);

                // A duplicate is announced again: its first append may have committed while this node heard a failure
                // (a connection lost during COMMIT, a timeout), and then nobody announced it. Delivery drops a seq
                // already delivered, so a repeat costs nothing where it was.
                if (!duplicate || stored.Conversation == pending.Message.Conversation)
                {
                    _local.Publish(message);
                    _bus.Publish(new MessageStoredSignal(stored));
                }

                pending.Sequence.Done();
                var conflict = duplicate && !SendContent.Of(stored).Matches(SendContent.Of(pending.Message));
                pending.Completion.TrySetResult(new SendOutcome(message, duplicate) { Conflict = conflict });
            }
        }
    }

    /// <summary>A message waiting for its seq: built with seq 0, given the stored one once appended.</summary>
    private sealed record Pending(MessageEvent Message, string? FromAccount, string? ClientId, Sequence Sequence, TaskCompletionSource<SendOutcome> Completion);

    private sealed class Sequence(StoreSequencer owner, long startSeq) : IMessageSequence
    {
        private int _pending;

        public long StartSeq { get; } = startSeq;

        public int Pending => Volatile.Read(ref _pending);

        public Task<SendOutcome> Append(Func<long, MessageEvent> create, string? fromAccount, string? clientId)
        {
            var pending = new Pending(create(0), fromAccount, clientId, this, new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
            Interlocked.Increment(ref _pending);
            if (!owner._queue.Writer.TryWrite(pending))
            {
                Done();
                pending.Completion.TrySetException(new InvalidOperationException("the server is shutting down"));
            }
            else
            {
                HubMetrics.Queued(CommitWriter.StoreSequencer, 1);
            }

            return pending.Completion.Task;
        }

        public void Done() => Interlocked.Decrement(ref _pending);
    }
}
