using System.Collections.Concurrent;

namespace Piazza.Core.Accounts;

/// <summary>
/// Runs password hashing on threads of its own, never on the thread pool: PBKDF2 at 600,000 iterations holds a core
/// for about a quarter second, and on a 2-core machine two such calls on pool threads leave no pool thread for the
/// connection loops until the pool injects more (about one per half second). At most one hash per core at a time.
/// </summary>
internal sealed class PasswordWork : IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];

    public PasswordWork(int threads)
    {
        for (var i = 0; i < Math.Max(1, threads); i++)
        {
            new Thread(Drain) { IsBackground = true, Name = "piazza-password-hashing" }.Start();
        }
    }

    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(
            () =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    done.TrySetCanceled(cancellationToken);
                    return;
                }

                try
                {
                    done.TrySetResult(work());
                }
#pragma warning disable CA1031 // handed to the awaiting caller
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    done.TrySetException(ex);
                }
            },
            CancellationToken.None);
        return done.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
    }

    private void Drain()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
