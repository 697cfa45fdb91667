using System.Collections.Concurrent;
using Piazza.Core.Messaging;
using Piazza.Core.Ports;

namespace Piazza.Core.Conversations;

/// <summary>
/// The conversations in memory: each loaded once from the store (rooms with their moderation state, private
/// conversations always exist), and dropped again once idle: nobody attached or entering, no append pending, and
/// untouched for <see cref="IdleTimeout"/>. The sweep runs on loads, judged against the hub's clock (no timer).
/// </summary>
internal sealed class ConversationCache(HubContext hub, IMessageSequencer sequencer, Cluster.ClusterPresence presence)
{
    /// <summary>How long an unattached conversation stays in memory after its last activity.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Lazy<Task<Conversation?>>> _loaded = new(StringComparer.Ordinal);
    private long _lastSweepTicks = hub.Now.UtcTicks;

    public int Count => _loaded.Count;

    /// <summary>The conversations loaded now, in no order.</summary>
    public IEnumerable<Conversation> Loaded
    {
        get
        {
            foreach (var entry in _loaded.Values)
            {
                if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is { } conversation)
                {
                    yield return conversation;
                }
            }
        }
    }

    /// <summary>A loaded conversation, without loading it or counting it as activity.</summary>
    public Conversation? Find(string key)
        => _loaded.TryGetValue(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    /// <summary>
    /// Loads a conversation once; null when it is a room that does not exist. A private conversation is created
    /// when missing: only a send (to someone who exists) may do that. Counts as activity.
    /// </summary>
    public Task<Conversation?> LoadAsync(string key) => LoadAsync(key, existingOnly: false);

    /// <summary>
    /// Loads a conversation only if it exists (a room, or a private conversation with a stored message); null
    /// otherwise, and nothing is cached, so made-up ids cannot fill memory. Counts as activity.
    /// </summary>
    public Task<Conversation?> LoadExistingAsync(string key) => LoadAsync(key, existingOnly: true);

    private async Task<Conversation?> LoadAsync(string key, bool existingOnly)
    {
        SweepIfDue();
        while (true)
        {
            var lazy = _loaded.GetOrAdd(key, k => new Lazy<Task<Conversation?>>(() => LoadFromStoreAsync(k, existingOnly)));
            var conversation = await UnlessMissingAsync(key, lazy).ConfigureAwait(false);
            if (conversation is null)
            {
                if (existingOnly || !DirectConversationId.IsDirect(key))
                {
                    return null;
                }

                continue; // a read found it missing just before (and did not cache it): this send creates it
            }

            if (conversation.TryTouch())
            {
                return conversation;
            }

            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy)); // retired by a sweep meanwhile
        }
    }

    /// <summary>Adds a room just created (or returns the one a concurrent join created first).</summary>
    public async Task<ChatRoom?> AddCreatedAsync(string key, string name, string? owner, bool createdByGuest, bool isPrivate = false)
    {
        var sequence = await sequencer.OpenAsync(key).ConfigureAwait(false);
        var created = Prepared(new ChatRoom(key, name, null, owner, sequence, hub.Time, presence) { IsPrivate = isPrivate }, createdByGuest);
        var lazy = _loaded.GetOrAdd(key, _ => new Lazy<Task<Conversation?>>(() => Task.FromResult<Conversation?>(created)));
        return await lazy.Value.ConfigureAwait(false) as ChatRoom;
    }

    /// <summary>Drops every idle conversation, at most once per <see cref="SweepInterval"/>.</summary>
    public void SweepIfDue()
    {
        var now = hub.Now;
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < SweepInterval.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, lazy) in _loaded)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is { } conversation
                && conversation.TryRetire(now - IdleTimeout))
            {
                if (conversation is ChatRoom { CreatedByGuest: true } guestRoom)
                {
                    DropGuestRoom(guestRoom);
                }
                else
                {
                    _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
                }
            }
        }
    }

    /// <summary>
    /// A guest's room was retired empty: deletes it from the store. Until that is done its entry answers loads with
    /// "no such room" only after the deletion, so a join meanwhile creates a fresh room rather than reload the old one.
    /// Called under the room's lock: nothing here blocks.
    /// </summary>
    private void DropGuestRoom(ChatRoom room)
    {
        var key = room.Key;
        if (!_loaded.TryGetValue(key, out var current) || !current.IsValueCreated || !current.Value.IsCompletedSuccessfully
            || !ReferenceEquals(current.Value.Result, room))
        {
            return;
        }

        Lazy<Task<Conversation?>>? deleting = null;
        deleting = new Lazy<Task<Conversation?>>(() => Task.Run(async () =>
        {
            try
            {
                await hub.Store.DeleteRoomAsync(key).ConfigureAwait(false);
                hub.Bus.Publish(new Cluster.RoomDeletedSignal(key));
            }
#pragma warning disable CA1031 // a failed deletion leaves the row for the purge at the next start; loads must not fail for it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                hub.Observer?.StoreFailed(ex);
            }

            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, deleting!));
            return (Conversation?)null;
        }));
        if (_loaded.TryUpdate(key, deleting, current))
        {
            _ = deleting.Value;
        }
    }

    /// <summary>
    /// Another node deleted a room from the store: a loaded copy nobody is in here is dropped, so a later join starts
    /// from the store (a fresh room). A copy with someone present stays until they leave.
    /// </summary>
    public void DropDeleted(string key)
    {
        if (_loaded.TryGetValue(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            && lazy.Value.Result is ChatRoom room && room.TryRetire(DateTimeOffset.MaxValue))
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
        }
    }

    /// <summary>Marks a guest's room and hooks it up to be deleted once empty.</summary>
    private ChatRoom Prepared(ChatRoom room, bool createdByGuest)
    {
        if (createdByGuest)
        {
            room.MarkCreatedByGuest();
            room.Emptied = DropGuestRoom;
        }

        room.RestoreRetention(null, hub.Options.Retention.Days); // a new room follows the server; a stored one is restored after

        return room;
    }

    private async Task<Conversation?> UnlessMissingAsync(string key, Lazy<Task<Conversation?>> lazy)
    {
        Conversation? conversation;
        try
        {
            conversation = await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
            throw;
        }

        if (conversation is null)
        {
            // Not cached, so a room created later is found.
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
        }

        return conversation;
    }

    private async Task<Conversation?> LoadFromStoreAsync(string key, bool existingOnly)
    {
        var store = hub.Store;
        Conversation conversation;
        if (DirectConversationId.IsDirect(key))
        {
            if (existingOnly && await store.LastSeqAsync(key).ConfigureAwait(false) == 0)
            {
                return null; // never written to: not a conversation yet, and not cached
            }

            conversation = new DirectConversation(key, await sequencer.OpenAsync(key).ConfigureAwait(false), hub.Time);
        }
        else
        {
            var record = await store.FindRoomAsync(key).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            var room = Prepared(new ChatRoom(record.Key, record.Name, record.Topic, record.Owner, await sequencer.OpenAsync(key).ConfigureAwait(false), hub.Time, presence) { IsPrivate = record.Private }, record.CreatedByGuest);
            room.Restore(await store.RoomModerationAsync(key).ConfigureAwait(false));
            room.RestoreRetention(await store.RoomRetentionAsync(key).ConfigureAwait(false), hub.Options.Retention.Days);
            conversation = room;
        }

        // The latest messages: their client ids, so a repeated send is recognised in memory (no store read on the
        // send path), and the newest of them for the ring, so attaching to a freshly loaded conversation reads nothing more.
        conversation.RememberStored(await store.ReadBeforeAsync(key, long.MaxValue, RecentSends.Capacity).ConfigureAwait(false));
        conversation.RestorePins(await store.PinsAsync(key).ConfigureAwait(false));
        return conversation;
    }
}
