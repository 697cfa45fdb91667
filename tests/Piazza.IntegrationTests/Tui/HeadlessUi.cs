using Piazza.IntegrationTests.Infrastructure;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// A Terminal.Gui application with the ANSI driver and no TTY, for driving the real views in tests.
/// <see cref="PumpUntil"/> runs the work other threads queued with Invoke, redraws, and waits for a condition.
/// </summary>
internal sealed class HeadlessUi : IDisposable
{
    private readonly SemaphoreSlim _queued = new(0);

    // Terminal.Gui's input loop and the synchronous pump each block a pool thread while this UI lives.
    private readonly PoolThreadLoan _blockedThreads = PoolThreadLoan.Take(2);

    public HeadlessUi(int width = 100, int height = 30)
    {
        App = Application.Create(new VirtualTimeProvider());
        App.Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(width, height);
        App.TimedEvents!.Added += OnTimeoutAdded;
        NoMainThread();
    }

    public IApplication App { get; }

    /// <summary>The screen as text, one line per row.</summary>
    public string Screen
    {
        get
        {
            App.LayoutAndDraw(true);
            return App.Driver!.ToString() ?? "";
        }
    }

    /// <summary>
    /// Begins a session for <paramref name="runnable"/>. Begin installs Terminal.Gui's main-loop synchronization
    /// context, which only runs work when the loop turns; the test's own awaits must not wait on it, so the test's
    /// context is put back. (The views' own async code uses ConfigureAwait(false) and Invoke, as in a real run.)
    /// </summary>
    public SessionToken Begin(IRunnable runnable)
    {
        var testContext = SynchronizationContext.Current;
        var session = App.Begin(runnable)!;
        SynchronizationContext.SetSynchronizationContext(testContext);
        NoMainThread();
        return session;
    }

    /// <summary>
    /// Invoke runs work at once on the thread that called Init. In a test that is a pool thread, which a client's
    /// continuation may later run on while the test pumps on another: both would touch the views. No thread is the
    /// main one here, so all work from other threads queues and runs only in <see cref="PumpUntil"/>.
    /// </summary>
    private void NoMainThread()
    {
        // The interface's setter is internal; the application type's own is public.
        App.GetType().GetProperty(nameof(IApplication.MainThreadId))!.SetValue(App, -1);
        Assert.Equal(-1, App.MainThreadId);
    }

    /// <summary>Runs queued UI work until <paramref name="condition"/> holds; fails with the screen if it does not in time.</summary>
    public void PumpUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            App.TimedEvents!.RunTimers();
            App.LayoutAndDraw(true);
            if (condition())
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"timed out waiting for {what}; screen:\n{Screen}");
            }

            // Wake as soon as another thread queues UI work (Invoke adds a zero timeout); re-check now and then regardless.
            _queued.Wait(TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)));
        }
    }

    /// <summary>Types text key by key, as a user would.</summary>
    public void Type(string text)
    {
        foreach (var c in text)
        {
            App.InjectKey((Key)c);
        }
    }

    public void Dispose()
    {
        App.TimedEvents!.Added -= OnTimeoutAdded;
        App.Dispose();
        _queued.Dispose();
        _blockedThreads.Dispose();
    }

    private void OnTimeoutAdded(object? sender, TimeoutEventArgs e) => _queued.Release();
}
