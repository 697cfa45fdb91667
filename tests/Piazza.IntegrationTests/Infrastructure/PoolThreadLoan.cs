namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Raises the thread pool's floor by one thread for each thread the test host itself keeps blocked, and lowers it
/// again when that thread is released, so the in-process servers see the same free pool a production process has.
/// Measured (dotnet-stack, see ARCHITECTURE.md "The stall"): vstest's socket MessageLoop and xunit's
/// RunTestsInAssembly wait each hold a pool thread for the whole run, and a headless Terminal.Gui holds one in its
/// input loop plus the test thread that pumps it synchronously. On 2 cores (floor 2) that left the servers under test
/// no free pool thread: bursts waited for starvation injection, one thread per half second.
/// </summary>
internal sealed class PoolThreadLoan : IDisposable
{
    private static readonly Lock Gate = new();
    private readonly int _threads;
    private int _returned;

    private PoolThreadLoan(int threads) => _threads = threads;

    public static PoolThreadLoan Take(int threads)
    {
        Adjust(threads);
        return new PoolThreadLoan(threads);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0)
        {
            Adjust(-_threads);
        }
    }

    private static void Adjust(int threads)
    {
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount, workers + threads), io);
        }
    }
}
