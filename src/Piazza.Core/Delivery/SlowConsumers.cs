using Piazza.Protocol;

namespace Piazza.Core.Delivery;

/// <summary>
/// The slow-consumer policy in one place: fan-out under a lock only collects the sessions whose outbox overflowed;
/// once the lock is released they are retired as <c>slow_consumer</c> and their connections aborted.
/// </summary>
internal sealed class SlowConsumers(IHubObserver? observer)
{
    private Action<ChatSession, LeaveReason> _retire = (_, _) => { };

    /// <summary>Set once by the hub: how a session is retired (it needs the directory and the conversations).</summary>
    public void RetireWith(Action<ChatSession, LeaveReason> retire) => _retire = retire;

    /// <summary>Runs an in-memory fan-out step, then drops whoever overflowed.</summary>
    public void Run(Action<List<ChatSession>> fanOut)
    {
        var overflowed = new List<ChatSession>();
        fanOut(overflowed);
        Drop(overflowed);
    }

    /// <summary>As <see cref="Run(Action{List{ChatSession}})"/>, with the step's result.</summary>
    public T Run<T>(Func<List<ChatSession>, T> fanOut)
    {
        var overflowed = new List<ChatSession>();
        var result = fanOut(overflowed);
        Drop(overflowed);
        return result;
    }

    /// <summary>Drops sessions collected across several steps (a catch-up stream); no lock may be held.</summary>
    public void Drop(List<ChatSession> overflowed)
    {
        foreach (var session in overflowed)
        {
            if (session.HasEnded)
            {
                continue;
            }

            // Retire the session before aborting: the door's own "lost" must not win the race for the reason.
            observer?.SlowConsumerDropped(session);
            _retire(session, LeaveReason.SlowConsumer);
            session.Connection.Close(flush: false);
        }
    }
}
