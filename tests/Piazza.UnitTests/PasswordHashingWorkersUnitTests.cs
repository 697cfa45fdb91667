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

    /// <summary>Issue 11: the queue was unbounded, so a flood of valid logins made a legitimate one wait 10 s.</summary>
    [Fact]
    public async Task A_full_queue_refuses_at_once_with_a_retry_after_and_accepts_again_once_it_drains()
    {
        using var workers = new PasswordHashingWorkers(1, maxQueued: 3);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var started = new ManualResetEventSlim();
        Assert.True(workers.TryQueue(() => { started.Set(); release.Task.Wait(); return 0; }, CancellationToken.None, out var running));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));

        var queued = new List<Task<int>>();
        for (var i = 0; i < 3; i++)
        {
            var value = i;
            Assert.True(workers.TryQueue(() => value, CancellationToken.None, out var task));
            queued.Add(task);
        }

        Assert.Equal(3, workers.Waiting);
        Assert.False(workers.TryQueue(() => 42, CancellationToken.None, out var refused));
        Assert.Null(refused);
        Assert.Equal(3, workers.Waiting);
        Assert.True(workers.RetryAfter >= TimeSpan.FromSeconds(1));

        release.SetResult();
        await Task.WhenAll([running, .. queued]);
        Assert.Equal(0, workers.Waiting);
        Assert.True(workers.TryQueue(() => 42, CancellationToken.None, out var accepted));
        Assert.Equal(42, await accepted);
    }

    [Fact]
    public async Task Start_up_work_is_queued_whatever_the_bound()
    {
        using var workers = new PasswordHashingWorkers(1, maxQueued: 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = Enumerable.Range(0, 4).Select(_ => workers.RunAsync(() => { release.Task.Wait(); return 0; }, CancellationToken.None)).ToList();
        Assert.False(workers.TryQueue(() => 0, CancellationToken.None, out _));
        release.SetResult();
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(30));
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
