using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// A room: a conversation with a topic, an owner and the users present (at least one attached connection).
/// <c>joined</c> is announced when a user's first connection attaches, <c>left</c> when their last detaches or
/// they leave the room.
/// </summary>
internal sealed class ChatRoom(string key, string name, string? topic, string? owner, IMessageSequence sequence, TimeProvider time) : Conversation(key, name, sequence, time)
{
    // Joins in progress (see TryHold): a guest's room is not retired under a joiner that has found it.
    private int _holds;

    // Keyed by the folded name (unique among online users), which stays the same when a guest registers its name.
    private readonly Dictionary<string, (ChatUser User, DateTimeOffset Since)> _present = new(StringComparer.Ordinal);

    public string? Topic { get; private set; } = topic;

    // Moderation state (Moderation/): account keys of moderators, mutes by folded name; both under Gate.
    private readonly HashSet<string> _moderators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Storage.MuteRecord> _mutes = new(StringComparer.Ordinal);

    /// <summary>Whether only moderators may change the topic. New rooms start locked.</summary>
    public bool TopicLocked { get; private set; } = true;

    /// <summary>Takes the stored moderation state: when the room loads, and again after the cluster bus was cut off.</summary>
    public void Restore(Storage.RoomModerationRecord record)
    {
        lock (Gate)
        {
            _moderators.Clear();
            _moderators.UnionWith(record.Moderators);
            _mutes.Clear();
            foreach (var mute in record.Mutes)
            {
                _mutes[mute.UserKey] = mute;
            }

            TopicLocked = record.TopicLocked;
        }
    }

    public bool IsModerator(string accountKey)
    {
        lock (Gate)
        {
            return _moderators.Contains(accountKey);
        }
    }

    /// <summary>Makes or revokes a moderator and tells the room; false when nothing changed.</summary>
    public bool SetModerator(string accountKey, bool moderator, ChatEvent announcement, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            var changed = moderator ? _moderators.Add(accountKey) : _moderators.Remove(accountKey);
            if (changed)
            {
                BroadcastLocked(announcement, overflowed, except: null);
            }

            return changed;
        }
    }

    /// <summary>The mute in force for a user (folded name) at <paramref name="now"/>, if any.</summary>
    public Storage.MuteRecord? MuteOf(string nameKey, DateTimeOffset now)
    {
        lock (Gate)
        {
            return _mutes.TryGetValue(nameKey, out var mute) && (mute.ExpiresAt is not { } until || until > now) ? mute : null;
        }
    }

    /// <summary>Mutes (a mute record) or unmutes (null) a user and tells the room.</summary>
    public void SetMute(string nameKey, Storage.MuteRecord? mute, ChatEvent announcement, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            if (mute is null)
            {
                _mutes.Remove(nameKey);
            }
            else
            {
                _mutes[nameKey] = mute;
            }

            BroadcastLocked(announcement, overflowed, except: null);
        }
    }

    /// <summary>Locks or unlocks the topic; the room hears <c>topic</c> with <c>locked</c>.</summary>
    public void SetTopicLock(bool locked, string by, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            TopicLocked = locked;
            BroadcastLocked(new TopicEvent(Name, Topic, by, now) { Locked = locked }, overflowed, except: null);
        }
    }

    /// <summary>Identity key of the owner: an account key, or a guest's '~' key for the room's lifetime in memory.</summary>
    public string? Owner { get; private set; } = owner;

    /// <summary>
    /// A guest created the room: it lasts while someone is present, then it is retired and <see cref="Emptied"/>
    /// deletes it. False once its guest owner registered (the room is kept like any other).
    /// </summary>
    public bool CreatedByGuest { get; private set; }

    /// <summary>Called under the room's lock when a guest's room was retired because its last user left; must not block.</summary>
    public Action<ChatRoom>? Emptied { get; set; }

    /// <summary>Marks a room a guest created; called before the room is shared.</summary>
    public void MarkCreatedByGuest() => CreatedByGuest = true;

    /// <summary>A guest who owned the room registered its name: the account owns it now; true when it did own it.</summary>
    public bool TransferOwnership(string from, string to)
    {
        lock (Gate)
        {
            if (Owner != from)
            {
                return false;
            }

            Owner = to;
            CreatedByGuest = false;
            return true;
        }
    }

    /// <summary>Holds the room for a join in progress; false when it was retired meanwhile (load it again).</summary>
    public bool TryHold()
    {
        lock (Gate)
        {
            if (!TryTouchLocked())
            {
                return false;
            }

            _holds++;
            return true;
        }
    }

    /// <summary>Ends a <see cref="TryHold"/>; a guest's room that nobody entered after all goes now.</summary>
    public void Release()
    {
        lock (Gate)
        {
            _holds--;
            RetireIfEmptiedLocked();
        }
    }

    public int PresentCount
    {
        get
        {
            lock (Gate)
            {
                return _present.Count;
            }
        }
    }

    public IReadOnlyList<PresenceEntry> Presence()
    {
        lock (Gate)
        {
            return PresenceLocked();
        }
    }

    public bool IsPresent(ChatUser user)
    {
        lock (Gate)
        {
            return _present.ContainsKey(user.NameKey);
        }
    }

    public void SetTopic(string? topic, string by, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            Topic = topic;
            BroadcastLocked(new TopicEvent(Name, topic, by, now), overflowed, except: null);
        }
    }

    /// <summary>The user leaves the room on every device: all hear <c>left</c>, the user's connections included.</summary>
    public void RemoveUser(ChatUser user, LeaveReason reason, string? message, DateTimeOffset now, List<ChatSession> overflowed, string? by = null)
    {
        lock (Gate)
        {
            if (!_present.Remove(user.NameKey))
            {
                return;
            }

            var left = new LeftEvent(Name, user.Name, reason, message, now) { By = by };
            BroadcastLocked(left, overflowed, except: null);
            RemoveSubscribersLocked(s => s.User == user);
            RetireIfEmptiedLocked();
        }
    }

    /// <summary>
    /// A user another node holds was removed (kick, ban): this node's listeners hear the same <c>left</c>, unless the
    /// user is present here (then <see cref="RemoveUser"/> tells them).
    /// </summary>
    public void RemovedElsewhere(string nameKey, LeftEvent left, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            if (!_present.ContainsKey(nameKey))
            {
                BroadcastLocked(left, overflowed, except: null);
            }
        }
    }

    protected override ChatEvent? OnAttaching(ChatSession session, List<ChatSession> overflowed)
    {
        var user = session.User;
        if (!_present.ContainsKey(user.NameKey))
        {
            _present[user.NameKey] = (user, session.ConnectedAt);
            BroadcastLocked(new JoinedEvent(Name, user.Name, Time.GetUtcNow()), overflowed, except: user);
        }

        return new RoomStateEvent(Name, Topic, Owner, PresenceLocked()) { Moderators = [.. _moderators.Order(StringComparer.Ordinal)], TopicLocked = TopicLocked };
    }

    protected override void OnDetached(ChatSession session, LeaveReason reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
        var user = session.User;
        if (Listeners.Any(s => s.User == user) || !_present.Remove(user.NameKey))
        {
            return; // another device of the same user is still here
        }

        BroadcastLocked(new LeftEvent(Name, user.Name, reason, null, now), overflowed, except: user);
        RetireIfEmptiedLocked();
    }

    /// <summary>Never under a join in progress; a guest's room only once nobody is present (it is deleted then).</summary>
    protected override bool CanRetireLocked() => _holds == 0 && (!CreatedByGuest || _present.Count == 0);

    /// <summary>A guest's room whose last user left goes at once (unless an append is pending: the idle sweep takes it then).</summary>
    private void RetireIfEmptiedLocked()
    {
        if (CreatedByGuest && _present.Count == 0 && !RetiredLocked && TryRetireLocked(DateTimeOffset.MaxValue))
        {
            Emptied?.Invoke(this);
        }
    }

    private void BroadcastLocked(ChatEvent chatEvent, List<ChatSession> overflowed, ChatUser? except)
    {
        foreach (var subscriber in Listeners)
        {
            if (subscriber.User != except)
            {
                Enqueue(subscriber, chatEvent, overflowed);
            }
        }
    }

    private List<PresenceEntry> PresenceLocked()
        => [.. _present.Values.OrderBy(p => p.Since).Select(p => new PresenceEntry(p.User.Name, p.Since))];
}
