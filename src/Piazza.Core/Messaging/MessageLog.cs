using System.Threading.Channels;
using Piazza.Core.Observability;
using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// The group-commit writer. Accepted messages queue here in seq order; two background loops, the writer (on its own
/// thread) and the deliverer: the writer appends whatever has queued as a single transaction and hands the committed batch to the
/// deliverer, which publishes those messages on the <see cref="IFanOutBus"/> in order and completes their senders'
/// waits. So a sender's <c>ok</c> always means "durable", under load one fsync covers many messages, and the next
/// commit overlaps the previous batch's fan-out.
/// If the store fails, the log stops accepting (every later send fails) rather than ever leaving a gap in a seq.
/// </summary>
internal sealed class MessageLog : IAsyncDisposable
{
    /// <summary>Largest batch per transaction: bounds transaction size and the latency of the first message in it.</summary>
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IMessageStore _store;
    private readonly IFanOutBus _bus;
    private readonly Action<Exception> _onFailure;
    private readonly TimeProvider _time;
    private readonly Channel<(List<Pending> Batch, bool Durable)> _committed = Channel.CreateUnbounded<(List<Pending>, bool)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _writer;
    private readonly Task _deliverer;
    private volatile Exception? _failure;

    public MessageLog(IMessageStore store, IFanOutBus bus, Action<Exception> onFailure, TimeProvider time)
    {
        _time = time;
        _store = store;
        _bus = bus;
        _onFailure = onFailure;
        _writer = OnOwnThread(() => ReportFaultsAsync(WriteLoop).GetAwaiter().GetResult());
        _deliverer = Task.Run(() => ReportFaultsAsync(DeliverLoopAsync));
    }

    public bool HasFailed => _failure is not null;

    /// <summary>Queues an accepted message; must be called in seq order for its conversation (under its lock).</summary>
    public Task<SendOutcome> Append(MessageEvent message, string? fromAccount, string? clientId, Action settled)
    {
        var pending = new Pending(message, fromAccount, clientId, settled, new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_failure is { } failure || !_queue.Writer.TryWrite(pending))
        {
            pending.Fail(new InvalidOperationException("the message store is unavailable", _failure));
        }
        else
        {
            HubMetrics.Queued(CommitWriter.MessageLog, 1);
        }

        return pending.Completion.Task;
    }

    /// <summary>A loop that dies must be heard of: it stops the log (sends are refused) and is reported.</summary>
    private async Task ReportFaultsAsync(Func<Task> loop)
    {
        try
        {
            await loop().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // reported, and the log refuses further sends
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failure ??= ex;
            _onFailure(ex);
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Fail(new InvalidOperationException("the message log stopped", ex));
            }
        }
    }

    /// <summary>
    /// The writer runs on a thread of its own: Microsoft.Data.Sqlite's async methods complete synchronously, so an
    /// append (and its fsync) would otherwise hold a thread-pool thread that the connection loops need.
    /// </summary>
    private static Task OnOwnThread(Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.TrySetResult();
            }
#pragma warning disable CA1031 // handed to DisposeAsync, which awaits the writer
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "piazza-message-log",
        };
        thread.Start();
        return done.Task;
    }

    private Task WriteLoop()
    {
        var records = new List<StoredMessage>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var batch = new List<Pending>();
            records.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                records.Add(StoredMessage.Of(pending.Message, pending.FromAccount, pending.ClientId));
            }

            var durable = false;
            var started = HubMetrics.TimingCommits ? _time.GetTimestamp() : 0;
            if (_failure is null)
            {
                try
                {
                    _store.AppendAsync(records).GetAwaiter().GetResult();
                    durable = true;
                }
#pragma warning disable CA1031 // any store fault must stop the log, not kill the loop
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _failure = ex;
                    _onFailure(ex);
                }
            }

            HubMetrics.Committed(CommitWriter.MessageLog, batch.Count, started == 0 ? null : _time.GetElapsedTime(started), durable);
            _committed.Writer.TryWrite((batch, durable));
        }

        _committed.Writer.TryComplete();
        return Task.CompletedTask;
    }

    /// <summary>Delivers committed batches in commit order, which is seq order within every conversation.</summary>
    private async Task DeliverLoopAsync()
    {
        while (await _committed.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_committed.Reader.TryRead(out var committed))
            {
                foreach (var pending in committed.Batch)
                {
                    if (!committed.Durable)
                    {
                        pending.Fail(new InvalidOperationException("the message store is unavailable", _failure));
                        continue;
                    }

                    _bus.Publish(pending.Message);
                    pending.Settled();
                    pending.Completion.TrySetResult(new SendOutcome(pending.Message, Duplicate: false));
                }
            }
        }
    }

    /// <summary>Stops accepting and waits until everything accepted is written and delivered.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _deliverer.ConfigureAwait(false);
    }

    /// <summary>A queued message; <see cref="Settled"/> runs before its sender hears, so "no append pending" holds once it has.</summary>
    private sealed record Pending(MessageEvent Message, string? FromAccount, string? ClientId, Action Settled, TaskCompletionSource<SendOutcome> Completion)
    {
        public void Fail(Exception exception)
        {
            Settled();
            Completion.TrySetException(exception);
        }
    }
}
