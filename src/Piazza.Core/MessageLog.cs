using System.Threading.Channels;
using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>
/// The group-commit writer. Accepted messages queue here in seq order; one background loop writes whatever has
/// queued as a single transaction, then delivers those messages and completes their senders' waits. So a sender's
/// <c>ok</c> always means "durable", and under load one fsync covers many messages.
/// If the store fails, the log stops accepting (every later send fails) rather than ever leaving a gap in a seq.
/// </summary>
internal sealed class MessageLog : IAsyncDisposable
{
    /// <summary>Largest batch per transaction: bounds transaction size and the latency of the first message in it.</summary>
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IMessageStore _store;
    private readonly Action<Conversation, MessageEvent> _deliver;
    private readonly Action<Exception> _onFailure;
    private readonly Task _writer;
    private volatile Exception? _failure;

    public MessageLog(IMessageStore store, Action<Conversation, MessageEvent> deliver, Action<Exception> onFailure)
    {
        _store = store;
        _deliver = deliver;
        _onFailure = onFailure;
        _writer = Task.Run(WriteLoopAsync);
    }

    public bool HasFailed => _failure is not null;

    /// <summary>Queues an accepted message; must be called in seq order for its conversation (under its lock).</summary>
    public Task<MessageEvent> Append(Conversation conversation, MessageEvent message, string? fromAccount, string? clientId)
    {
        var pending = new Pending(conversation, message, fromAccount, clientId, new TaskCompletionSource<MessageEvent>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_failure is { } failure || !_queue.Writer.TryWrite(pending))
        {
            pending.Completion.TrySetException(new InvalidOperationException("the message store is unavailable", _failure));
        }

        return pending.Completion.Task;
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
                var m = pending.Message;
                records.Add(new StoredMessage(m.Conversation, m.Seq, m.Id, m.From, pending.FromAccount, m.To, m.Text, m.Timestamp, pending.ClientId));
            }

            if (_failure is null)
            {
                try
                {
                    await _store.AppendAsync(records).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // any store fault must stop the log, not kill the loop
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _failure = ex;
                    _onFailure(ex);
                }
            }

            foreach (var pending in batch)
            {
                if (_failure is { } failure)
                {
                    pending.Completion.TrySetException(new InvalidOperationException("the message store is unavailable", failure));
                    continue;
                }

                _deliver(pending.Conversation, pending.Message);
                pending.Completion.TrySetResult(pending.Message);
            }
        }
    }

    /// <summary>Stops accepting and waits until everything accepted is written and delivered.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed record Pending(Conversation Conversation, MessageEvent Message, string? FromAccount, string? ClientId, TaskCompletionSource<MessageEvent> Completion);
}
