using Piazza.Core.Accounts;

namespace Piazza.UnitTests;

public sealed class PasswordHashingWorkersUnitTests
{
    /// <summary>Hashing ran on thread-pool threads, so a burst of logins left no pool thread for chat traffic.</summary>
    [Fact]
    public async Task Hashing_runs_off_the_thread_pool_and_continues_on_it()
    {
        using var workers = new PasswordHashingWorkers(1);
        var onPool = await workers.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None);
        Assert.False(onPool);
    }

    [Fact]
    public async Task No_more_than_the_workers_run_at_once()
    {
        using var workers = new PasswordHashingWorkers(2);
        var running = 0;
        var most = 0;
        var all = Enumerable.Range(0, 12).Select(_ => workers.RunAsync(
            () =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                Thread.SpinWait(200_000);
                Interlocked.Decrement(ref running);
                return now;
            },
            CancellationToken.None));
        await Task.WhenAll(all);
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task A_failing_hash_fails_its_caller_and_the_worker_goes_on()
    {
        using var workers = new PasswordHashingWorkers(1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => workers.RunAsync<int>(() => throw new InvalidOperationException("bad"), CancellationToken.None));
        Assert.Equal(42, await workers.RunAsync(() => 42, CancellationToken.None));
    }

    [Fact]
    public async Task Work_cancelled_before_it_starts_is_not_run()
    {
        using var workers = new PasswordHashingWorkers(1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var ran = false;
        await Assert.ThrowsAsync<TaskCanceledException>(() => workers.RunAsync(() => ran = true, cancelled.Token));
        Assert.False(ran);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }
}
