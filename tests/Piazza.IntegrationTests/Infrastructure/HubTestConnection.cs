using Piazza.Core;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A connection for tests that drive a <see cref="ChatHub"/> directly (no door): it records every event and close,
/// and lets a test wait for an event with a timeout (never a fixed sleep), as an event another node's signal causes
/// arrives on that node's bus loop.
/// </summary>
public sealed class HubTestConnection(string address = "127.0.0.1") : IChatConnection
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<ChatEvent> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closes;

    public string Door => "test";

    public string RemoteEndPoint => address + ":1";

    public string RemoteAddress => address;

    /// <summary>How many times the hub asked to close this connection.</summary>
    public int Closes => Volatile.Read(ref _closes);

    public IReadOnlyList<ChatEvent> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public bool TryEnqueue(ChatEvent chatEvent)
    {
        lock (_gate)
        {
            _received.Add(chatEvent);
        }

        Changed();
        return true;
    }

    public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Close(bool flush)
    {
        Interlocked.Increment(ref _closes);
        Changed();
    }

    /// <summary>The first event of type <typeparamref name="T"/> matching <paramref name="match"/>, waiting for it if need be.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : ChatEvent
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_received.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {typeof(T).Name} arrived; received: {string.Join(", ", Received.Select(e => e.GetType().Name))}");
            }
        }
    }

    /// <summary>Waits until the hub has asked to close this connection.</summary>
    public async Task WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (Closes > 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the connection was not closed");
            }
        }
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
