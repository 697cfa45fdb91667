namespace Piazza.Core;

/// <summary>
/// A sequence of messages with gap-free <c>seq</c>: a room or a private conversation. Its lock orders everything
/// delivered to its subscribers (the connections attached to it); the lock covers only in-memory queueing.
/// Seqs are assigned when a message is accepted and the message is delivered once it is durable, in seq order.
/// </summary>
internal abstract class Conversation
{
    /// <summary>Recently delivered messages kept in memory, so a connection can attach without a store read.</summary>
    private const int RecentCapacity = 256;

    private readonly MessageEvent?[] _recent = new MessageEvent?[RecentCapacity];
    private ChatSession[] _subscribers = [];

    // Connections that received the conversation's state and are catching up from the store: they get events
    // without a seq (joined, left, topic) at once, and messages only once attached.
    private ChatSession[] _entering = [];
    private long _lastAssigned;
    private long _lastDelivered;

    protected Conversation(string key, string name, long lastSeq)
    {
        Key = key;
        Name = name;
        _lastAssigned = lastSeq;
        _lastDelivered = lastSeq;
    }

    protected Lock Gate { get; } = new();

    /// <summary>The key under which it is stored: a folded room name or a private conversation id.</summary>
    public string Key { get; }

    /// <summary>What clients see in <c>room</c>.</summary>
    public string Name { get; }

    public long LastDelivered => Interlocked.Read(ref _lastDelivered);

    public ChatSession[] Subscribers => Volatile.Read(ref _subscribers);

    /// <summary>Assigns the next seq and hands the message to <paramref name="accept"/> while still ordered.</summary>
    public MessageEvent Assign(Func<long, MessageEvent> create, Action<MessageEvent> accept)
    {
        lock (Gate)
        {
            var message = create(_lastAssigned + 1);
            accept(message);
            _lastAssigned++;
            return message;
        }
    }

    /// <summary>Delivers a durable message to every subscriber and remembers it for late attachers.</summary>
    public void Deliver(MessageEvent message, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            _recent[message.Seq % RecentCapacity] = message;
            Interlocked.Exchange(ref _lastDelivered, message.Seq);
            foreach (var subscriber in _subscribers)
            {
                Enqueue(subscriber, message, overflowed);
            }
        }
    }

    /// <summary>
    /// A stored message was deleted: the in-memory copy loses its text (so later attachers see it deleted) and
    /// everyone listening hears <paramref name="deleted"/>.
    /// </summary>
    public void MarkDeleted(long seq, string by, DeletedEvent deleted, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            var slot = seq % RecentCapacity;
            if (_recent[slot] is { } kept && kept.Seq == seq)
            {
                _recent[slot] = kept.AsDeleted(by);
            }

            foreach (var listener in Listeners)
            {
                Enqueue(listener, deleted, overflowed);
            }
        }
    }

    /// <summary>Connections that hear events without a seq: the attached ones and those still catching up.</summary>
    protected IEnumerable<ChatSession> Listeners => _entering.Length == 0 ? _subscribers : _subscribers.Concat(_entering);

    /// <summary>
    /// First step of entering: the connection receives the conversation's state (a room's topic and users) and from
    /// now on its presence events; messages follow through <see cref="TryAttach"/>.
    /// </summary>
    public void BeginAttach(ChatSession session, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            if (Array.IndexOf(_subscribers, session) >= 0 || Array.IndexOf(_entering, session) >= 0)
            {
                return;
            }

            if (OnAttaching(session, overflowed) is { } state)
            {
                Enqueue(session, state, overflowed);
            }

            _entering = [.. _entering, session];
        }
    }

    /// <summary>
    /// Attaches a connection if everything after <paramref name="afterSeq"/> is still in memory: the connection gets
    /// the conversation's state (rooms), then those messages as one history frame, then live messages.
    /// False when older messages must first be read from the store.
    /// </summary>
    public bool TryAttach(ChatSession session, long afterSeq, List<ChatSession> overflowed, int? lastCount = null)
    {
        lock (Gate)
        {
            var last = _lastDelivered;

            // "The last N" is decided under the lock, so a join while messages flow gets exactly N, then live ones.
            var from = lastCount is { } count ? Math.Max(0, last - count) : Math.Min(afterSeq, last);
            var missing = last - from;
            if (missing > RecentCapacity || (missing > 0 && _recent[(from + 1) % RecentCapacity]?.Seq != from + 1))
            {
                return false;
            }

            var gap = new MessageEvent[missing];
            for (var seq = from + 1; seq <= last; seq++)
            {
                gap[seq - from - 1] = _recent[seq % RecentCapacity]!;
            }

            Enqueue(session, new HistoryEvent(Name, gap, null), overflowed);
            if (Array.IndexOf(_subscribers, session) < 0)
            {
                _subscribers = [.. _subscribers, session];
            }

            _entering = [.. _entering.Where(s => s != session)];
            return true;
        }
    }

    /// <summary>Stops live delivery to a connection (it disconnected); rooms announce a user's last one leaving.</summary>
    public void Detach(ChatSession session, string reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != session)];
            _entering = [.. _entering.Where(s => s != session)];
            OnDetached(session, reason, now, overflowed);
        }
    }

    /// <summary>Called under the lock before a connection is attached; returns the state it should receive first.</summary>
    protected virtual ChatEvent? OnAttaching(ChatSession session, List<ChatSession> overflowed) => null;

    /// <summary>Called under the lock after a connection was detached.</summary>
    protected virtual void OnDetached(ChatSession session, string reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
    }

    /// <summary>Removes every connection matching <paramref name="match"/>; caller holds the lock.</summary>
    protected void RemoveSubscribersLocked(Func<ChatSession, bool> match)
    {
        _subscribers = [.. _subscribers.Where(s => !match(s))];
        _entering = [.. _entering.Where(s => !match(s))];
    }

    protected static void Enqueue(ChatSession session, ChatEvent chatEvent, List<ChatSession> overflowed)
    {
        if (!session.HasEnded && !session.Connection.TryEnqueue(chatEvent))
        {
            overflowed.Add(session);
        }
    }
}

/// <summary>A private conversation between two identities; delivered to every connection of both.</summary>
internal sealed class DirectConversation(string key, long lastSeq) : Conversation(key, key, lastSeq);
