using System.Collections.Concurrent;
using Piazza.Core.Accounts;
using Piazza.Core.Storage;

namespace Piazza.Core;

/// <summary>
/// The chat domain: who is online, rooms, private conversations, history and fan-out. Doors call it after decoding
/// their wire format; it talks back only through <see cref="IChatConnection"/>, which never blocks, so nobody waits
/// on a slow client. Persistence goes through <see cref="IChatStore"/>.
/// </summary>
public sealed partial class ChatHub : IAsyncDisposable
{
    /// <summary>The name the operator's announcements are sent under.</summary>
    public const string ServerName = "server";

    public const string LobbyName = "lobby";

    /// <summary>Most messages a history request may ask for.</summary>
    public const int MaxHistoryLimit = 500;

    private readonly IChatStore _store;
    private readonly ChatHubOptions _options;
    private readonly TimeProvider _time;
    private readonly IHubObserver? _observer;
    private readonly PasswordHasher _hasher;
    private readonly LoginThrottle _throttle;
    private readonly PasswordHashingWorkers _hashing = new();
    private readonly Lock _usersGate = new();
    private readonly Dictionary<string, ChatUser> _online = new(StringComparer.Ordinal);

    /// <summary>The online users by <see cref="NameSkeleton"/> of their names, for the look-alike check. Under <see cref="_usersGate"/>.</summary>
    private readonly Dictionary<string, List<ChatUser>> _onlineSkeletons = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Conversation?>>> _conversations = new(StringComparer.Ordinal);
    private readonly MessageLog _log;
    private readonly ConcurrentDictionary<(string Account, string ClientId), Task<MessageEvent>> _sendsInFlight = new();
    private string _dummyHash = "";
    private volatile bool _shuttingDown;

    public ChatHub(IChatStore store, ChatHubOptions options, TimeProvider time, IHubObserver? observer = null)
    {
        _store = store;
        _options = options;
        _time = time;
        _observer = observer;
        _hasher = new PasswordHasher(options.PasswordIterations);
        _throttle = new LoginThrottle(time);
        _log = new MessageLog(store, DeliverDurable, ex => observer?.StoreFailed(ex));
        Flood = new Limits.FloodControl(options.Flood, time);
    }

    /// <summary>The flood-control buckets every door consults (frames) and <see cref="SendAsync"/> applies (messages).</summary>
    public Limits.FloodControl Flood { get; }

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Every live session, in no particular order.</summary>
    public IReadOnlyList<ChatSession> Sessions
    {
        get
        {
            lock (_usersGate)
            {
                return [.. _online.Values.SelectMany(u => u.Sessions)];
            }
        }
    }

    /// <summary>Prepares the store (schema, the lobby). Call once before any connection.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _store.TryCreateRoomAsync(new RoomRecord(LobbyName, LobbyName, null, null, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        _bans.Load(await _store.ActiveBansAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false));

        // Verifying against this when an account does not exist makes "no such user" cost what "wrong password" costs.
        _dummyHash = _hasher.Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>Tells every session the server is stopping and asks each connection to close after flushing.</summary>
    public void Shutdown(string message)
    {
        _shuttingDown = true;
        var notice = new ShutdownEvent(message);
        foreach (var session in Sessions)
        {
            session.Connection.TryEnqueue(notice);
            session.Connection.Close(flush: true);
        }
    }

    /// <summary>Writes and delivers everything accepted, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _shuttingDown = true;
        await _log.DisposeAsync().ConfigureAwait(false);
        await Flood.DisposeAsync().ConfigureAwait(false);
        _hashing.Dispose();
        _adminGate.Dispose();
    }

    /// <summary>Retires a session (its connection closed); only the first call for a session has an effect.</summary>
    public void Disconnect(ChatSession session, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.TryEnd())
        {
            return;
        }

        var user = session.User;
        int remaining;
        lock (_usersGate)
        {
            remaining = user.RemoveSession(session);
            if (remaining == 0 && _online.TryGetValue(user.NameKey, out var current) && current == user)
            {
                _online.Remove(user.NameKey);
                var skeleton = NameSkeleton.Of(user.Name);
                if (_onlineSkeletons.TryGetValue(skeleton, out var holders) && holders.Remove(user) && holders.Count == 0)
                {
                    _onlineSkeletons.Remove(skeleton);
                }
            }
        }

        var overflowed = new List<ChatSession>();
        if (!_shuttingDown)
        {
            var now = _time.GetUtcNow();
            foreach (var conversation in session.AttachedConversations())
            {
                conversation.Detach(session, reason, now, overflowed);
            }
        }

        _observer?.SessionLeft(session, reason);
        DropSlowConsumers(overflowed);
    }

    /// <summary>
    /// Removes a user (every device) from the server, telling each room why; the connections are told <c>kicked</c>
    /// and close after flushing. For the operator console; recorded in the audit log as <paramref name="by"/>.
    /// </summary>
    public async Task<bool> KickAsync(string user, string? reason, string by = OperatorName)
    {
        ChatUser? target;
        lock (_usersGate)
        {
            _online.TryGetValue(UserNamePolicy.Fold(user), out target);
        }

        if (target is null)
        {
            return false;
        }

        await RemoveFromServerAsync(target, "kicked", reason, by, ModerationEvent.Kicked, null, connections: null).ConfigureAwait(false);
        await AuditAsync(by, "kick", target.Name, null, reason, null, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    private void DeliverDurable(Conversation conversation, MessageEvent message)
    {
        var overflowed = new List<ChatSession>();
        conversation.Deliver(message, overflowed);
        DropSlowConsumers(overflowed);
    }

    private void DropSlowConsumers(List<ChatSession> overflowed)
    {
        foreach (var session in overflowed)
        {
            if (session.HasEnded)
            {
                continue;
            }

            // Retire the session before aborting: the door's own "lost" must not win the race for the reason.
            _observer?.SlowConsumerDropped(session);
            Disconnect(session, "slow_consumer");
            session.Connection.Close(flush: false);
        }
    }

    /// <summary>Loads a conversation once (rooms from the store; private conversations always exist).</summary>
    private Task<Conversation?> LoadAsync(string key)
    {
        var lazy = _conversations.GetOrAdd(key, k => new Lazy<Task<Conversation?>>(() => LoadFromStoreAsync(k)));
        return UnlessMissingAsync(key, lazy);
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
            _conversations.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
            throw;
        }

        if (conversation is null)
        {
            // Not cached, so a room created later is found.
            _conversations.TryRemove(new KeyValuePair<string, Lazy<Task<Conversation?>>>(key, lazy));
        }

        return conversation;
    }

    private async Task<Conversation?> LoadFromStoreAsync(string key)
    {
        var lastSeq = await _store.LastSeqAsync(key).ConfigureAwait(false);
        if (DirectConversationId.IsDirect(key))
        {
            return new DirectConversation(key, lastSeq);
        }

        var record = await _store.FindRoomAsync(key).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var room = new ChatRoom(record.Key, record.Name, record.Topic, record.Owner, lastSeq, _time);
        room.Restore(await _store.RoomModerationAsync(key).ConfigureAwait(false));
        return room;
    }
}
