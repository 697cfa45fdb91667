using Piazza.Client.Internal;

namespace Piazza.Client;

/// <summary>
/// Requests made while the client is (re)connecting, and those whose connection was lost before their answer: they
/// wait for the next connection and are then written one at a time in the order they were made, so that messages
/// typed while disconnected arrive in the order typed, each once (a repeat carries the same id).
/// </summary>
public sealed partial class PiazzaClient
{
    private readonly Lock _waitingLock = new();

    /// <summary>The requests waiting for a connection, by the order in which they were first made.</summary>
    private readonly SortedDictionary<long, WaitingRequest> _waiting = [];

    /// <summary>The link whose waiting requests have all been written: later requests use it directly.</summary>
    private Link? _released;
    private long _nextTicket;

    /// <summary>
    /// The connection to write <paramref name="ticket"/>'s request on. While (re)connecting, or while requests made
    /// earlier still wait, it waits its turn; then <see cref="Turn.Written"/> must be completed once the request is
    /// written (or failed to be), to let the next one go. Fails when the client is closed or gave up.
    /// </summary>
    private async Task<Turn> TakeTurnAsync(long ticket, CancellationToken cancellationToken)
    {
        while (true)
        {
            WaitingRequest waiter;
            lock (_waitingLock)
            {
                if (_link is { } link && ReferenceEquals(link, _released) && !link.Reading.IsCompleted)
                {
                    return new Turn(link, null);
                }

                switch (State)
                {
                    case ConnectionState.Closed:
                        throw new PiazzaException(PiazzaFailure.Closed, "the client was closed");
                    case ConnectionState.Disconnected:
                        throw new PiazzaException(PiazzaFailure.ConnectionLost, "not connected");
                }

                waiter = new WaitingRequest();
                _waiting[ticket] = waiter;
            }

            Link? granted;
            using (cancellationToken.Register(() => Abandon(ticket, waiter, cancellationToken)))
            {
                granted = await waiter.Turn.Task.ConfigureAwait(false);
            }

            if (granted is not null)
            {
                return new Turn(granted, waiter.Written);
            }

            // Closed or given up: the checks above say which.
        }
    }

    private void Abandon(long ticket, WaitingRequest waiter, CancellationToken cancellationToken)
    {
        lock (_waitingLock)
        {
            if (_waiting.TryGetValue(ticket, out var current) && ReferenceEquals(current, waiter))
            {
                _waiting.Remove(ticket);
            }
        }

        waiter.Turn.TrySetCanceled(cancellationToken);
    }

    /// <summary>
    /// Lets the waiting requests write on a new link, oldest first and one at a time; then opens the link to every
    /// request. Stops (leaving the rest waiting for the next link) when the link ends meanwhile.
    /// </summary>
    private async Task ReleaseWaitingRequestsAsync(Link link)
    {
        while (true)
        {
            WaitingRequest next;
            lock (_waitingLock)
            {
                if (!ReferenceEquals(_link, link) || link.Reading.IsCompleted)
                {
                    return;
                }

                if (_waiting.Count == 0)
                {
                    _released = link;
                    return;
                }

                var (ticket, first) = _waiting.First();
                _waiting.Remove(ticket);
                next = first;
            }

            if (next.Turn.TrySetResult(link))
            {
                await next.Written.Task.ConfigureAwait(false);
            }
        }
    }

    /// <summary>The client was closed or gave up: every waiting request fails (with the state's reason).</summary>
    private void FailWaitingRequests()
    {
        List<WaitingRequest> failed;
        lock (_waitingLock)
        {
            failed = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (var waiter in failed)
        {
            waiter.Turn.TrySetResult(null);
        }
    }

    /// <summary>Where a request writes, and what to complete once it has (null: nobody waits behind it).</summary>
    private readonly record struct Turn(Link Link, TaskCompletionSource? Written)
    {
        public void Done() => Written?.TrySetResult();
    }

    private sealed class WaitingRequest
    {
        /// <summary>The link to write on; null when the client will not connect again.</summary>
        public TaskCompletionSource<Link?> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
