namespace Piazza.Client.Internal;

/// <summary>
/// Lets requests wait for the connection: open while connected, shut while (re)connecting, and finished (false) once
/// the client has given up or was closed.
/// </summary>
internal sealed class ConnectionGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource<bool> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes true when connected, false when the client will not connect again.</summary>
    public Task<bool> WhenConnected
    {
        get
        {
            lock (_lock)
            {
                return _open.Task;
            }
        }
    }

    public void Update(ConnectionState state)
    {
        lock (_lock)
        {
            switch (state)
            {
                case ConnectionState.Connected:
                    Renew(wasFinished: t => t.Result == false);
                    _open.TrySetResult(true);
                    break;
                case ConnectionState.Connecting or ConnectionState.Reconnecting:
                    Renew(wasFinished: _ => true);
                    break;
                default:
                    Renew(wasFinished: t => t.Result);
                    _open.TrySetResult(false);
                    break;
            }
        }
    }

    /// <summary>Starts a new waiting period when the current one has completed with an outcome that no longer holds.</summary>
    private void Renew(Func<Task<bool>, bool> wasFinished)
    {
        if (_open.Task.IsCompleted && wasFinished(_open.Task))
        {
            _open = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
