using Piazza.Core.Messaging;
using Piazza.Core.Observability;
using Piazza.Core.Ports;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// A sequence of messages with gap-free <c>seq</c>: a room or a private conversation. Its lock orders everything
/// delivered to its subscribers (the connections attached to it); the lock covers only in-memory queueing.
/// Messages are delivered once durable, strictly in seq order: in a cluster another node's message may arrive early
/// (over the bus), and is held until the seqs before it arrive or are read from the store.
/// </summary>
internal abstract partial class Conversation
{
    /// <summary>Recently delivered messages kept in memory, so a connection can attach without a store read.</summary>
    private const int RecentCapacity = 256;

    /// <summary>Most early messages held per conversation; beyond it they are dropped and read from the store with the gap.</summary>
    private const int MaxHeld = 4096;

    private readonly MessageEvent?[] _recent = new MessageEvent?[RecentCapacity];
    private readonly IMessageSequence _sequence;
    private readonly RecentSends _recentSends = new();
    private readonly SubscriberSet _subscribers = new();

    // Messages that arrived ahead of a missing seq, by seq (under Gate); null while there is no gap.
    private SortedList<long, MessageEvent>? _held;

    // Connections that received the conversation's state and are catching up from the store: they get events
    // without a seq (joined, left, topic) at once, and messages only once attached.
    private readonly SubscriberSet _entering = new();
    private long _lastDelivered;
    private DateTimeOffset _lastActivity;
    private bool _retired;

    protected Conversation(string key, string name, IMessageSequence sequence, TimeProvider time)
    {
        Key = key;
        Name = name;
        _sequence = sequence;
        _lastDelivered = sequence.StartSeq;
        Time = time;
        _lastActivity = time.GetUtcNow();
    }

    protected Lock Gate { get; } = new();

    protected TimeProvider Time { get; }

    /// <summary>The key under which it is stored: a folded room name or a private conversation id.</summary>
    public string Key { get; }

    /// <summary>What clients see in <c>room</c>.</summary>
    public string Name { get; }

    public long LastDelivered => Interlocked.Read(ref _lastDelivered);

    /// <summary>Whether messages after <see cref="LastDelivered"/> are missing while later ones are held.</summary>
    public bool HasGap
    {
        get
        {
            lock (Gate)
            {
                return _held is { Count: > 0 };
            }
        }
    }

    /// <summary>A copy of the attached connections, for notices sent outside the lock (away, typing).</summary>
    public ChatSession[] Subscribers
    {
        get
        {
            lock (Gate)
            {
                return [.. _subscribers.Items];
            }
        }
    }

    /// <summary>Whether the connection is attached (receives live messages).</summary>
    public bool IsSubscribed(ChatSession session)
    {
        lock (Gate)
        {
            return _subscribers.Contains(session);
        }
    }

    /// <summary>
    /// Takes the latest stored messages (newest first) when the conversation loads: their client ids, so repeats are
    /// known without a store read, and the newest stretch into the ring, so the first attachers need no store read.
    /// </summary>
    public void RememberStored(IReadOnlyList<StoredMessage> newestFirst)
    {
        lock (Gate)
        {
            for (var i = newestFirst.Count - 1; i >= 0; i--)
            {
                var message = newestFirst[i];
                if (message.FromAccount is { } account && message.ClientId is { } clientId)
                {
                    _recentSends.Remember(account, clientId, Task.FromResult(new SendOutcome(FromStored(message), Duplicate: true)), SendContent.Of(message));
                }
            }

            // Another node may have stored more since the sequence opened; nobody is attached yet, so start after them.
            if (newestFirst.Count > 0 && newestFirst[0].Seq > _lastDelivered && _subscribers.Count == 0)
            {
                Interlocked.Exchange(ref _lastDelivered, newestFirst[0].Seq);
            }

            // Only a gap-free stretch ending at the last seq: the ring must hold exactly what was delivered, in order.
            for (var i = 0; i < Math.Min(newestFirst.Count, RecentCapacity) && newestFirst[i].Seq == _lastDelivered - i; i++)
            {
                _recent[newestFirst[i].Seq % RecentCapacity] = FromStored(newestFirst[i]);
            }
        }
    }

    /// <summary>
    /// Assigns the next seq and queues the durable append while still ordered. A repeated client id of the same sender
    /// (<paramref name="sender"/>: an account, or a guest's identity key, which only this memory knows) answers with
    /// the earlier send when <paramref name="content"/> matches it (<c>Duplicate</c>), and is refused when it does not
    /// (<c>Conflict</c>: nothing queued). The store hears the client id only with an account. Null when the
    /// conversation was retired: load it again.
    /// </summary>
    public (Task<SendOutcome> Durable, bool Duplicate, bool Conflict)? Assign(
        Func<long, MessageEvent> create, string? account, string? clientId, string? sender = null, SendContent? content = null)
    {
        sender ??= account;
        lock (Gate)
        {
            if (_retired)
            {
                return null;
            }

            _lastActivity = Time.GetUtcNow();
            var idempotent = sender is not null && clientId is not null;
            if (idempotent && _recentSends.Find(sender!, clientId!) is { } earlier)
            {
                var same = content is null || earlier.Content.Matches(content);
                return (earlier.Send, same, !same);
            }

            var durable = _sequence.Append(create, account, account is null ? null : clientId);
            if (idempotent && content is not null)
            {
                _recentSends.Remember(sender!, clientId!, durable, content);
            }

            return (durable, false, false);
        }
    }

    /// <summary>A send failed, or the store found its id taken by other content: its client id may be used again.</summary>
    public void ForgetSend(string sender, string clientId, Task<SendOutcome> send)
    {
        lock (Gate)
        {
            _recentSends.Forget(sender, clientId, send);
        }
    }

    /// <summary>
    /// Delivers a durable message in seq order: the next seq goes to every subscriber at once (with the held ones it
    /// releases), an old or repeated one is dropped, a later one is held until the gap before it is filled. True
    /// when a gap remains (the caller reads it from the store if no signal fills it soon).
    /// </summary>
    public bool Offer(MessageEvent message, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            if (message.Seq > _lastDelivered + 1)
            {
                _held ??= [];
                if (_held.Count < MaxHeld && !_held.ContainsKey(message.Seq))
                {
                    _held.Add(message.Seq, message);
                }

                return true;
            }

            if (message.Seq == _lastDelivered + 1)
            {
                DeliverLocked(message, overflowed);
            }

            while (_held is { Count: > 0 } held && held.Keys[0] <= _lastDelivered + 1)
            {
                var next = held.Values[0];
                held.RemoveAt(0);
                if (next.Seq == _lastDelivered + 1)
                {
                    DeliverLocked(next, overflowed);
                }
            }

            if (_held is { Count: 0 })
            {
                _held = null;
            }

            return _held is not null;
        }
    }

    private void DeliverLocked(MessageEvent message, List<ChatSession> overflowed)
    {
        _recent[message.Seq % RecentCapacity] = message;
        Interlocked.Exchange(ref _lastDelivered, message.Seq);
        foreach (var subscriber in _subscribers.Items)
        {
            Enqueue(subscriber, message, overflowed);
        }

        HubMetrics.Delivered(_subscribers.Count);
    }

    /// <summary>Connections that hear events without a seq: the attached ones and those still catching up.</summary>
    protected IEnumerable<ChatSession> Listeners => _entering.Count == 0 ? _subscribers.Items : _subscribers.Items.Concat(_entering.Items);

    /// <summary>Whether the connection hears the conversation's events (attached or entering); caller holds the lock.</summary>
    protected bool IsListeningLocked(ChatSession session) => _subscribers.Contains(session) || _entering.Contains(session);

    /// <summary>
    /// First step of entering: the connection receives the conversation's state (a room's topic and users) and from
    /// now on its presence events; messages follow through <see cref="TryAttach"/>. False when retired: load it again.
    /// </summary>
    public bool BeginAttach(ChatSession session, List<ChatSession> overflowed, ReadCounts? counts = null)
    {
        lock (Gate)
        {
            if (_retired)
            {
                return false;
            }

            _lastActivity = Time.GetUtcNow();
            if (IsListeningLocked(session))
            {
                return true;
            }

            if (OnAttaching(session, overflowed) is { } state)
            {
                Enqueue(session, counts is not null && state is RoomStateEvent room ? room.WithCounts(counts) : state, overflowed);
            }

            _entering.Add(session);
            return true;
        }
    }

    /// <summary>
    /// Attaches a connection if everything after <paramref name="afterSeq"/> is still in memory: the connection gets
    /// those messages as one history frame, then live messages. False when older messages must first be read from the store,
    /// or when they would make a frame over <see cref="Attacher.FrameBytes"/> (the store path sends them paced, in frames that fit).
    /// </summary>
    public bool TryAttach(ChatSession session, long afterSeq, List<ChatSession> overflowed, int? lastCount = null, bool asLive = false)
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
            var bytes = 0L;
            for (var seq = from + 1; seq <= last; seq++)
            {
                gap[seq - from - 1] = _recent[seq % RecentCapacity]!;
                bytes += gap[seq - from - 1].EstimatedBytes;
            }

            if (missing > 1 && bytes > Attacher.FrameBytes)
            {
                return false; // under the lock nothing can wait for the outbox to drain: too much for one unpaced frame
            }

            // As live: an empty catch-up, then the messages as they would have come had the connection been attached
            // when they were sent (another node's private message that revealed the conversation here).
            Enqueue(session, new HistoryEvent(Name, asLive ? [] : gap, null) { Conversation = Key, UpTo = asLive ? from : last }, overflowed);
            if (asLive)
            {
                foreach (var message in gap)
                {
                    Enqueue(session, message, overflowed);
                }
            }

            _subscribers.Add(session);
            _entering.Remove(session);
            return true;
        }
    }

    /// <summary>Stops live delivery to a connection (it disconnected); rooms announce a user's last one leaving.</summary>
    public void Detach(ChatSession session, LeaveReason reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            _lastActivity = now;
            _subscribers.Remove(session);
            _entering.Remove(session);
            OnDetached(session, reason, now, overflowed);
        }
    }

    /// <summary>A message as read from the store, shaped as this conversation delivers it.</summary>
    public MessageEvent FromStored(StoredMessage m) => FromStored(m, Key, Name);

    /// <summary>A stored message as the conversation <paramref name="key"/> (shown as <paramref name="name"/>) delivers it, without loading it.</summary>
    public static MessageEvent FromStored(StoredMessage m, string key, string name)
        => new(m.MessageId, m.Seq, key, name, m.From, m.To, m.Text, m.Timestamp, m.DeletedBy is null ? m.File : null) { DeletedBy = m.DeletedBy, Mentions = m.DeletedBy is null ? m.Mentions : null, EditedAt = m.DeletedBy is null ? m.EditedAt : null, Reply = m.DeletedBy is null ? m.Reply : null, Reactions = m.DeletedBy is null ? m.Reactions : null, Bot = m.Bot };

    /// <summary>Called under the lock before a connection is attached; returns the state it should receive first.</summary>
    protected virtual ChatEvent? OnAttaching(ChatSession session, List<ChatSession> overflowed) => null;

    /// <summary>Called under the lock after a connection was detached.</summary>
    protected virtual void OnDetached(ChatSession session, LeaveReason reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
    }

    /// <summary>Removes these connections; caller holds the lock.</summary>
    protected void RemoveSubscribersLocked(IEnumerable<ChatSession> sessions)
    {
        foreach (var session in sessions)
        {
            _subscribers.Remove(session);
            _entering.Remove(session);
        }
    }

    protected static void Enqueue(ChatSession session, ChatEvent chatEvent, List<ChatSession> overflowed)
    {
        if (!session.HasEnded && !session.Connection.TryEnqueue(chatEvent))
        {
            HubMetrics.DeliveryDropped();
            overflowed.Add(session);
        }
    }
}
