using System.Collections.Concurrent;

namespace Piazza.Core.Accounts;

/// <summary>
/// Password hashing on threads of its own. PBKDF2 is slow on purpose (a quarter second per hash at production cost);
/// on thread-pool threads a burst of logins took every pool thread of a 2-core machine for seconds, and chat traffic
/// waited behind it (the stall in ARCHITECTURE.md). Here at most <c>ProcessorCount - 1</c> hashes run at once (at least
/// one), so a core always stays for the doors, and waiting logins cost no thread at all.
/// </summary>
internal sealed class PasswordHashingWorkers : IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread[] _threads;

    public PasswordHashingWorkers()
        : this(Math.Max(1, Environment.ProcessorCount - 1))
    {
    }

    public PasswordHashingWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"piazza-hashing-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>How many hashes may run at once.</summary>
    public int Workers => _threads.Length;

    /// <summary>Queues <paramref name="work"/>; its continuation runs on the thread pool, never on a hashing thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

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
        }

        try
        {
            _queue.Add(Run, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            completion.TrySetException(new ObjectDisposedException(nameof(PasswordHashingWorkers)));
        }

        return completion.Task;
    }

    public void Dispose() => _queue.CompleteAdding();

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item();
        }
    }
}
