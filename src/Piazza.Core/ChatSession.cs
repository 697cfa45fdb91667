namespace Piazza.Core;

/// <summary>A user who has said hello on one connection. Created and retired only by <see cref="ChatHub"/>.</summary>
public sealed class ChatSession
{
    private long _messagesSent;
    private int _ended;

    internal ChatSession(string name, IChatConnection connection, DateTimeOffset connectedAt)
    {
        Name = name;
        FoldedName = UserNamePolicy.Fold(name);
        Connection = connection;
        ConnectedAt = connectedAt;
    }

    public string Name { get; }

    public string FoldedName { get; }

    public IChatConnection Connection { get; }

    public DateTimeOffset ConnectedAt { get; }

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    internal void CountMessage() => Interlocked.Increment(ref _messagesSent);

    /// <summary>Marks the session ended; true only for the first caller, so a leave is announced once.</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;
}
