using Piazza.Core.Cluster;
using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// A room: a conversation with a topic, an owner and the users present (at least one attached connection, on this
/// node or, through <see cref="ClusterPresence"/>, on another). <c>joined</c> is announced when a user becomes present
/// anywhere in the cluster, <c>left</c> when they are present nowhere any more or they leave the room.
/// </summary>
internal sealed partial class ChatRoom(string key, string name, string? topic, string? owner, IMessageSequence sequence, TimeProvider time, ClusterPresence cluster)
    : Conversation(key, name, sequence, time)
{
    // Joins in progress (see TryHold): a guest's room is not retired under a joiner that has found it.
    private int _holds;

    // Present on this node. Keyed by the folded name (unique among online users), which stays the same when a guest registers its name.
    private readonly Dictionary<string, (ChatUser User, DateTimeOffset Since)> _present = new(StringComparer.Ordinal);

    // Who the room's listeners were told is present (by the room's state, joined and left), folded name to name:
    // every change, here or on another node, announces the difference between this and the truth, so each listener
    // hears one joined and one left per cluster-wide change however the signals interleave.
    private readonly Dictionary<string, string> _announced = new(StringComparer.Ordinal);

    public string? Topic { get; private set; } = topic;

    private ClusterPresence Cluster => cluster;

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
                BroadcastLocked(announcement, overflowed, exceptNameKey: null);
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

            BroadcastLocked(announcement, overflowed, exceptNameKey: null);
        }
    }

    /// <summary>A private room (Rooms/PrivateRooms): unlisted, and hidden from non-members as if it did not exist.</summary>
    public bool IsPrivate { get => Volatile.Read(ref _private); set => Volatile.Write(ref _private, value); }

    private bool _private;

    /// <summary>Makes the room private or public; the room hears <paramref name="announcement"/> (<c>room_set</c>).</summary>
    public void SetPrivate(bool isPrivate, ChatEvent announcement, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            IsPrivate = isPrivate;
            BroadcastLocked(announcement, overflowed, exceptNameKey: null);
        }
    }

    /// <summary>Locks or unlocks the topic; the room hears <c>topic</c> with <c>locked</c>.</summary>
    public void SetTopicLock(bool locked, string by, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            TopicLocked = locked;
            BroadcastLocked(new TopicEvent(Name, Topic, by, now) { Locked = locked }, overflowed, exceptNameKey: null);
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

    public void SetTopic(string? topic, string by, DateTimeOffset now, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            Topic = topic;
            BroadcastLocked(new TopicEvent(Name, topic, by, now), overflowed, exceptNameKey: null);
        }
    }

    /// <summary>
    /// The user leaves the room on every device: all hear <c>left</c>, the user's connections included, and the
    /// user is forgotten on other nodes too (they are told apart, see <see cref="Rooms.RoomService"/>).
    /// </summary>
    public void RemoveUser(ChatUser user, LeaveReason reason, string? message, DateTimeOffset now, List<ChatSession> overflowed, string? by = null, bool serverWide = false)
    {
        lock (Gate)
        {
            var departure = new Departure(reason, message, by, ServerWide: serverWide);
            var wasHere = RemovePresentLocked(user.NameKey);
            if (wasHere)
            {
                cluster.LocalAbsent(Key, user, departure);
            }

            var wasElsewhere = cluster.Remote.RemoveEverywhere(Key, user.NameKey);
            if (_announced.Remove(user.NameKey) || wasHere)
            {
                AnnounceLeftLocked(user.NameKey, new LeftEvent(Name, user.Name, reason, message, now) { By = by, ServerWide = serverWide }, overflowed, includingUser: true);
            }

            if (wasHere || wasElsewhere)
            {
                RemoveSubscribersLocked(user.Sessions);
                RetireIfEmptiedLocked();
            }
        }
    }

    /// <summary>Another node said the user left the room on every device: nobody holds them here any more.</summary>
    public void ForgetRemote(string nameKey, string userName, Departure departure, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            cluster.Remote.RemoveEverywhere(Key, nameKey);
            ReconcileLocked(nameKey, userName, departure, overflowed);
        }
    }

    /// <summary>Another node's presence of the user changed: announces <c>joined</c> or <c>left</c> if the cluster-wide answer did.</summary>
    public void Reconcile(string nameKey, string userName, Departure departure, List<ChatSession> overflowed)
    {
        lock (Gate)
        {
            ReconcileLocked(nameKey, userName, departure, overflowed);
        }
    }

    /// <summary>
    /// A user another node holds was removed (kick, ban): nobody holds them here any more, and this node's listeners
    /// hear the same <c>left</c> (its stamp included) unless the user is present here (then <see cref="RemoveUser"/> tells them).
    /// </summary>
    public void RemovedElsewhere(string nameKey, LeftEvent left, List<ChatSession> overflowed)
        => ForgetRemote(nameKey, left.User, new Departure(left.Reason, left.Message, left.By, left.Timestamp, left.ServerWide), overflowed);

    protected override ChatEvent? OnAttaching(ChatSession session, List<ChatSession> overflowed)
    {
        var user = session.User;
        if (!_present.ContainsKey(user.NameKey))
        {
            AddPresentLocked(user, session.ConnectedAt);
            cluster.LocalPresent(Key, user, session.ConnectedAt);
        }

        if (cluster.Remote.AnyoneIn(Key))
        {
            // Everyone listening is brought up to date first, so the state this connection gets and what the others
            // were told agree (a remote change may be waiting for the lock). O(N): only with users on other nodes.
            var present = PresentLocked();
            foreach (var (nameKey, userName) in _announced.Where(a => !present.ContainsKey(a.Key)).ToList())
            {
                ReconcileLocked(nameKey, userName, new Departure(LeaveReason.Lost), overflowed);
            }

            foreach (var (nameKey, entry) in present)
            {
                if (!_announced.ContainsKey(nameKey))
                {
                    ReconcileLocked(nameKey, entry.User, new Departure(LeaveReason.Lost), overflowed);
                }
            }
        }
        else
        {
            // This node alone: every other change was reconciled as it happened (or waits for the lock to be), so only
            // this user can be new to the listeners. O(1), where the full comparison made filling a room O(N²).
            ReconcileLocked(user.NameKey, user.Name, new Departure(LeaveReason.Lost), overflowed);
        }

        _coalescer.Entered();
        var page = PageLocked(null, ChatHub.PresencePageSize);
        return new RoomStateEvent(Name, Topic, Owner, page.Users)
        {
            Moderators = [.. _moderators.Order(StringComparer.Ordinal)],
            TopicLocked = TopicLocked,
            Count = page.Count,
            Next = page.Next,
            Private = IsPrivate,
            Pinned = PinnedIdsLocked(),
            Retention = Retention,
        };
    }

    protected override void OnDetached(ChatSession session, LeaveReason reason, DateTimeOffset now, List<ChatSession> overflowed)
    {
        var user = session.User;
        if (user.Sessions.Any(IsListeningLocked) || !RemovePresentLocked(user.NameKey))
        {
            return; // another device of the same user is still here
        }

        var departure = new Departure(reason);
        cluster.LocalAbsent(Key, user, departure);
        ReconcileLocked(user.NameKey, user.Name, departure, overflowed);
        RetireIfEmptiedLocked();
    }

    /// <summary>Never under a join in progress; a guest's room only once nobody is present on any node (it is deleted then).</summary>
    protected override bool CanRetireLocked() => _holds == 0 && (!CreatedByGuest || IsEmptyLocked());

    private bool IsEmptyLocked() => _present.Count == 0 && !cluster.Remote.AnyoneIn(Key);

    private bool IsPresentLocked(string nameKey) => _present.ContainsKey(nameKey) || cluster.Remote.IsPresent(Key, nameKey);

    private bool IsGuestLocked(string nameKey) => _present.TryGetValue(nameKey, out var here)
        ? !here.User.IsRegistered
        : cluster.Remote.Find(Key, nameKey)?.Guest == true;

    private bool IsBotLocked(string nameKey) => _present.TryGetValue(nameKey, out var here)
        ? here.User.IsBot
        : cluster.Remote.Find(Key, nameKey)?.Bot == true;

    /// <summary>Tells the listeners the difference, for one user, between what they were told and the truth.</summary>
    private void ReconcileLocked(string nameKey, string userName, Departure departure, List<ChatSession> overflowed)
    {
        if (IsPresentLocked(nameKey))
        {
            if (_announced.TryAdd(nameKey, userName))
            {
                AnnounceJoinedLocked(nameKey, userName, overflowed);
            }
        }
        else if (_announced.Remove(nameKey))
        {
            var left = new LeftEvent(Name, userName, departure.Reason, departure.Message, departure.At ?? Time.GetUtcNow()) { By = departure.By, ServerWide = departure.ServerWide };
            AnnounceLeftLocked(nameKey, left, overflowed, includingUser: false);
            RetireIfEmptiedLocked();
        }
    }

    /// <summary>A guest's room whose last user left goes at once (unless an append is pending: the idle sweep takes it then).</summary>
    private void RetireIfEmptiedLocked()
    {
        if (CreatedByGuest && IsEmptyLocked() && !RetiredLocked && TryRetireLocked(DateTimeOffset.MaxValue))
        {
            Emptied?.Invoke(this);
        }
    }

    private void BroadcastLocked(ChatEvent chatEvent, List<ChatSession> overflowed, string? exceptNameKey)
    {
        foreach (var subscriber in Listeners)
        {
            if (subscriber.User.NameKey != exceptNameKey)
            {
                Enqueue(subscriber, chatEvent, overflowed);
            }
        }
    }
}
