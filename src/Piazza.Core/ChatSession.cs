using Piazza.Core.Conversations;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>One welcomed connection of a <see cref="ChatUser"/>. Created and retired only by <see cref="ChatHub"/>.</summary>
public sealed class ChatSession
{
    private long _messagesSent;
    private int _ended;
    private int _endReason = -1;

    internal ChatSession(ChatUser user, IChatConnection connection, DateTimeOffset connectedAt, string? token)
    {
        User = user;
        Connection = connection;
        ConnectedAt = connectedAt;
        Token = token;
    }

    public ChatUser User { get; }

    public string Name => User.Name;

    public IChatConnection Connection { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The session token this connection holds (registered users only).</summary>
    public string? Token { get; internal set; }

    /// <summary>What this session may do (<see cref="Tokens.ScopeRule"/>): every scope for a password session, a named token's scopes otherwise.</summary>
    public Tokens.TokenScope Scopes { get; internal set; } = Tokens.TokenScope.Session;

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>The name claim this connection holds while online; null for request sessions (HTTP), which are never online.</summary>
    internal Ports.NameClaim? Claim { get; init; }

    /// <summary>True once login has attached it to its rooms and conversations; only then may others attach it.</summary>
    internal bool IsReady { get; set; }

    internal void CountMessage() => Interlocked.Increment(ref _messagesSent);

    private readonly HashSet<Conversation> _attached = [];

    internal void Attached(Conversation conversation)
    {
        lock (_attached)
        {
            _attached.Add(conversation);
        }
    }

    internal void Detached(Conversation conversation)
    {
        lock (_attached)
        {
            _attached.Remove(conversation);
        }
    }

    internal Conversation[] AttachedConversations()
    {
        lock (_attached)
        {
            return [.. _attached];
        }
    }

    /// <summary>Why the hub ended the session (a kick, a ban, a revocation…), once it has; null while it lasts.</summary>
    public LeaveReason? EndReason => Volatile.Read(ref _endReason) is var reason and >= 0 ? (LeaveReason)reason : null;

    /// <summary>Marks the session ended; true only for the first caller, so a leave is announced once.</summary>
    internal bool TryEnd(LeaveReason reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        Volatile.Write(ref _endReason, (int)reason);
        return true;
    }
}
