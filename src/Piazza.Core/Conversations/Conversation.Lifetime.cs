namespace Piazza.Core.Conversations;

/// <summary>
/// A conversation's lifetime in the cache: each load counts as activity, and an idle one with nobody attached and
/// nothing pending is retired (it then refuses sends and attaches, so its replacement starts from the store).
/// </summary>
internal abstract partial class Conversation
{
    /// <summary>Counts as activity (a load handed it out); false when it was retired meanwhile.</summary>
    public bool TryTouch()
    {
        lock (Gate)
        {
            return TryTouchLocked();
        }
    }

    /// <summary><see cref="TryTouch"/> with the lock held.</summary>
    protected bool TryTouchLocked()
    {
        _lastActivity = Time.GetUtcNow();
        return !_retired;
    }

    /// <summary>Whether it was retired (read under the lock).</summary>
    protected bool RetiredLocked => _retired;

    /// <summary>
    /// Retires the conversation if nobody is attached or entering, no append is pending and nothing happened since
    /// <paramref name="idleSince"/>; a retired one refuses sends and attaches, so its replacement starts from the store.
    /// </summary>
    public bool TryRetire(DateTimeOffset idleSince)
    {
        lock (Gate)
        {
            return TryRetireLocked(idleSince);
        }
    }

    /// <summary><see cref="TryRetire"/> with the lock held (<see cref="DateTimeOffset.MaxValue"/>: however recent the last activity).</summary>
    protected bool TryRetireLocked(DateTimeOffset idleSince)
    {
        if (_subscribers.Count == 0 && _entering.Count == 0 && _sequence.Pending == 0 && _held is null
            && _lastActivity <= idleSince && CanRetireLocked())
        {
            _retired = true;
        }

        return _retired;
    }

    /// <summary>Under the lock: whether state only memory holds forbids dropping it.</summary>
    protected virtual bool CanRetireLocked() => true;
}
