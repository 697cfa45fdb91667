using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Piazza.Core.Accounts;

/// <summary>
/// Password hashing on threads of its own. PBKDF2 is slow on purpose (a quarter second per hash at production cost);
/// on thread-pool threads a burst of logins took every pool thread of a 2-core machine for seconds, and chat traffic
/// waited behind it (the stall in ARCHITECTURE.md). Here at most <c>ProcessorCount - 1</c> hashes run at once (at least
/// one), so a core always stays for the doors, and waiting logins cost no thread at all. At most
/// <see cref="MaxQueued"/> hashes wait: an unbounded queue let 95 connections flooding valid logins make a legitimate
/// login wait 10 s; past the bound a caller is refused at once with an estimate of when the queue will have room.
/// </summary>
internal sealed class PasswordHashingWorkers : IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread[] _threads;
    private int _waiting;

    // Mean duration of recent hashes in Stopwatch ticks (CPU work, not policy time): the basis of the retry-after.
    private long _meanTicks;

    public PasswordHashingWorkers()
        : this(Math.Max(1, Environment.ProcessorCount - 1), 0)
    {
    }

    /// <param name="workers">Threads hashing at once.</param>
    /// <param name="maxQueued">Hashes that may wait for a thread; 0 means no bound.</param>
    public PasswordHashingWorkers(int workers, int maxQueued = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        MaxQueued = maxQueued;
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"piazza-hashing-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>How many hashes may run at once.</summary>
    public int Workers => _threads.Length;

    /// <summary>How many hashes may wait for a thread (0: no bound).</summary>
    public int MaxQueued { get; }

    /// <summary>Hashes queued and not yet started.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>When a refused caller should try again: the queue's work spread over the workers, at least a second.</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            var perHash = Stopwatch.GetElapsedTime(0, Math.Max(Interlocked.Read(ref _meanTicks), 1));
            return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(perHash.TotalSeconds * (Waiting + Workers) / Workers)));
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> unless <see cref="MaxQueued"/> hashes already wait; its continuation runs on the
    /// thread pool, never on a hashing thread. False, and nothing queued, when the queue is full.
    /// </summary>
    public bool TryQueue<T>(Func<T> work, CancellationToken cancellationToken, [NotNullWhen(true)] out Task<T>? completion)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Interlocked.Increment(ref _waiting) > MaxQueued && MaxQueued > 0)
        {
            Interlocked.Decrement(ref _waiting);
            completion = null;
            return false;
        }

        completion = Queue(work, cancellationToken);
        return true;
    }

    /// <summary>Queues <paramref name="work"/> whatever the bound (start-up work); its continuation runs on the thread pool.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        Interlocked.Increment(ref _waiting);
        return Queue(work, cancellationToken);
    }

    private Task<T> Queue<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            Interlocked.Decrement(ref _waiting);
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                completion.TrySetResult(work());
            }
#pragma warning disable CA1031 // handed to the caller through its task
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completion.TrySetException(ex);
            }

            RecordDuration(Stopwatch.GetTimestamp() - started);
        }

        try
        {
            _queue.Add(Run, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Decrement(ref _waiting);
            completion.TrySetException(new ObjectDisposedException(nameof(PasswordHashingWorkers)));
        }

        return completion.Task;
    }

    public void Dispose() => _queue.CompleteAdding();

    /// <summary>A moving mean (each hash weighs an eighth), so the estimate follows a change of cost or load.</summary>
    private void RecordDuration(long ticks)
    {
        var mean = Interlocked.Read(ref _meanTicks);
        Interlocked.Exchange(ref _meanTicks, mean == 0 ? ticks : mean + ((ticks - mean) / 8));
    }

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item();
        }
    }
}
