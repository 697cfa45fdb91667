namespace Piazza.Core;

/// <summary>
/// A room: its members and its message sequence. Every event of a room is published under the room's lock,
/// so all members see the same order and <c>seq</c> has no gaps. The lock covers only in-memory queueing
/// (<see cref="IChatConnection.TryEnqueue"/>), never socket I/O.
/// </summary>
internal sealed class ChatRoom(string name)
{
    private readonly Lock _gate = new();
    private ChatSession[] _members = [];
    private long _lastSeq;

    public string Name { get; } = name;

    /// <summary>A snapshot of the members; safe to read without the lock (copy-on-write).</summary>
    public ChatSession[] Members => Volatile.Read(ref _members);

    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Adds a member: it receives its welcome first, then everyone else hears that it joined.</summary>
    public void Add(ChatSession session, Func<IReadOnlyList<PresenceEntry>, ChatEvent> welcome, ChatEvent joined, List<ChatSession> overflowed)
    {
        lock (_gate)
        {
            var members = _members;
            var updated = new ChatSession[members.Length + 1];
            members.CopyTo(updated, 0);
            updated[^1] = session;
            Volatile.Write(ref _members, updated);

            Deliver(session, welcome(Presence(updated)), overflowed);
            foreach (var member in members)
            {
                Deliver(member, joined, overflowed);
            }
        }
    }

    /// <summary>Removes a member and tells the remaining ones (and, if asked, the one leaving) with <paramref name="left"/>.</summary>
    public bool Remove(ChatSession session, ChatEvent left, bool tellLeaver, List<ChatSession> overflowed)
    {
        lock (_gate)
        {
            var members = _members;
            var index = Array.IndexOf(members, session);
            if (index < 0)
            {
                return false;
            }

            var updated = new ChatSession[members.Length - 1];
            Array.Copy(members, 0, updated, 0, index);
            Array.Copy(members, index + 1, updated, index, members.Length - index - 1);
            Volatile.Write(ref _members, updated);

            // The leaver has already ended, so it is told directly rather than through Deliver's liveness check.
            if (tellLeaver && !session.Connection.TryEnqueue(left))
            {
                overflowed.Add(session);
            }

            foreach (var member in updated)
            {
                Deliver(member, left, overflowed);
            }

            return true;
        }
    }

    /// <summary>Assigns the next seq and delivers the message built from it to every member.</summary>
    public MessageEvent Publish(Func<long, MessageEvent> create, List<ChatSession> overflowed)
    {
        lock (_gate)
        {
            var message = create(_lastSeq + 1);
            Interlocked.Increment(ref _lastSeq);
            foreach (var member in _members)
            {
                Deliver(member, message, overflowed);
            }

            return message;
        }
    }

    /// <summary>Delivers an event that carries no sequence number to every member.</summary>
    public void Broadcast(ChatEvent chatEvent, List<ChatSession> overflowed)
    {
        lock (_gate)
        {
            foreach (var member in _members)
            {
                Deliver(member, chatEvent, overflowed);
            }
        }
    }

    public static IReadOnlyList<PresenceEntry> Presence(ChatSession[] members)
    {
        var list = new PresenceEntry[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            list[i] = new PresenceEntry(members[i].Name, members[i].ConnectedAt);
        }

        return list;
    }

    private static void Deliver(ChatSession member, ChatEvent chatEvent, List<ChatSession> overflowed)
    {
        if (!member.HasEnded && !member.Connection.TryEnqueue(chatEvent))
        {
            overflowed.Add(member);
        }
    }
}
