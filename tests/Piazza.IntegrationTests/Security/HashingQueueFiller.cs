using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Holds a server's password-hashing queue full, deterministically: every worker is blocked on a gate, then the queue
/// is filled until it refuses. Until <see cref="Release"/>, any password check on that server finds the queue full.
/// </summary>
internal sealed class HashingQueueFiller : IDisposable
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task<int>> _held = [];

    private HashingQueueFiller()
    {
    }

    public static HashingQueueFiller Fill(TestServer server)
    {
        var hashing = server.Hub.PasswordHashing;
        var filler = new HashingQueueFiller();
        using var started = new CountdownEvent(hashing.Workers);
        for (var i = 0; i < hashing.Workers; i++)
        {
            Assert.True(hashing.TryQueue(() => { started.Signal(); return filler.Hold(); }, CancellationToken.None, out var running));
            filler._held.Add(running);
        }

        // Every worker holds one item, so nothing leaves the queue while the test looks at it.
        Assert.True(started.Wait(RawClient.DefaultTimeout), "the hashing workers did not start");
        while (hashing.TryQueue(filler.Hold, CancellationToken.None, out var waiting))
        {
            filler._held.Add(waiting);
        }

        return filler;
    }

    /// <summary>Opens the gate and waits until everything it held has run, so the queue is empty again.</summary>
    public async Task ReleaseAsync()
    {
        Release();
        await Task.WhenAll(_held).WaitAsync(RawClient.DefaultTimeout);
    }

    private void Release() => _released.TrySetResult();

    public void Dispose() => Release();

    private int Hold()
    {
        _released.Task.Wait();
        return 0;
    }
}
