using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Files;
using Piazza.Core.Messaging;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Core.Ports;
using Piazza.Core.Rooms;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// The chat domain's one entry point for doors: a thin facade that wires the services (online directory,
/// conversations, messaging, rooms, moderation, accounts, files) and forwards each call to the one that owns it.
/// It talks back only through <see cref="IChatConnection"/>, which never blocks; persistence goes through <see cref="IChatStore"/>.
/// </summary>
public sealed partial class ChatHub : IAsyncDisposable
{
    /// <summary>The name the operator's announcements are sent under.</summary>
    public const string ServerName = "server";

    public const string LobbyName = "lobby";

    /// <summary>Most messages a history request may ask for.</summary>
    public const int MaxHistoryLimit = 500;

    /// <summary>Rooms a <c>rooms</c> page holds when the request names no limit.</summary>
    public const int DefaultRoomsPage = 100;

    /// <summary>
    /// Most estimated bytes in one <c>history</c> answer: twice under the client library's 256 KiB line limit, since
    /// JSON escapes can make a character longer on the wire than the estimate's 3 bytes.
    /// </summary>
    public const long MaxHistoryReplyBytes = 128 * 1024;

    /// <summary>
    /// The most one <c>history</c> answer may carry for a connection whose outbox holds <paramref name="outboxBytes"/>:
    /// a quarter (so that, sent once the outbox is half empty, it fits with a quarter to spare for live messages), at
    /// most <see cref="MaxHistoryReplyBytes"/>.
    /// </summary>
    public static long HistoryReplyBytes(long outboxBytes) => Math.Clamp(outboxBytes / 4, 1, MaxHistoryReplyBytes);

    /// <summary>Most rooms one <c>rooms</c> page may hold (see <see cref="RoomsPageFitting"/> for small outboxes).</summary>
    public const int MaxRoomsPage = 500;

    /// <summary>
    /// The most one room of a listing can take on the wire: a 64-character name and a 300-character topic whose every
    /// UTF-16 unit is escaped (6 bytes), plus the fields around them.
    /// </summary>
    public const int MaxRoomListingBytes = 2700;

    /// <summary>
    /// The page size to ask the hub for so that a page fits in half of an outbox of <paramref name="outboxBytes"/>
    /// whatever the rooms hold (so a <c>rooms</c> answer never makes its asker a slow consumer): the request's own
    /// limit (or the default) when it fits, fewer otherwise, at least 1. A limit out of range is passed on as it is,
    /// for the hub to refuse. With the default 4 MiB outbox every page up to <see cref="MaxRoomsPage"/> fits.
    /// </summary>
    public static int? RoomsPageFitting(int? requested, long outboxBytes)
    {
        if (requested is < 1 or > MaxRoomsPage)
        {
            return requested;
        }

        var fitting = (int)Math.Clamp(outboxBytes / 2 / MaxRoomListingBytes, 1, MaxRoomsPage);
        return Math.Min(requested ?? DefaultRoomsPage, fitting);
    }

    /// <summary>Shortest accepted password: long enough to resist guessing at our throttled rate.</summary>
    public const int MinPasswordLength = 8;

    /// <summary>Longest accepted password: bounds the hashing work one request can cause.</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>Longest topic in characters.</summary>
    public const int MaxTopicChars = 300;

    /// <summary>
    /// Longest request id (any frame's <c>id</c>) and client id of a send (stored with the message for idempotency),
    /// on every door: a UUID is 36 characters; longer is refused rather than stored with every message.
    /// </summary>
    public const int MaxIdChars = 64;

    /// <summary>Longest <c>client</c> (the software a hello names); it is only logged.</summary>
    public const int MaxClientNameChars = 64;

    private readonly HubContext _hub;
    private readonly IMessageSequencer _sequencer;
    private readonly OnlineDirectory _online;
    private readonly ConversationCache _conversations;
    private readonly Sanctions _sanctions;
    private readonly AccountService _accounts;
    private readonly Admission _admission;
    private readonly RoomService _rooms;
    private readonly MessagingService _messaging;
    private readonly HistoryReader _history;
    private readonly ModerationPipeline _moderation;
    private readonly ModerationContext _moderationContext;
    private readonly FilePermissions _files;
    private readonly Cluster.ClusterPresence _presence;
    private readonly RemoteMembership _membership;
    private readonly Reading.ReadStateService _readState;
    private readonly Editing.EditService _editing;
    private readonly Search.SearchService _search;
    private readonly bool _sharedStore;

    public ChatHub(IChatStore store, ChatHubOptions options, TimeProvider time, IHubObserver? observer = null, HubPorts? ports = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ports ??= new HubPorts();
        _sharedStore = ports.SeqAssignedByStore;
        _hub = new HubContext(store, options, time, observer, ports.Bus);
        Flood = new Limits.FloodControl(options.Flood, time);
        var slowConsumers = new SlowConsumers(observer);
        _online = new OnlineDirectory(ports.Claims, time);
        var fanOut = new LocalFanOut(key => _conversations!.Find(key), slowConsumers, store, time, ex => observer?.StoreUnavailable(ex));
        _published = new Webhooks.PublishedMessages(fanOut);
        _sequencer = ports.SeqAssignedByStore
            ? new StoreSequencer(store, _published, ports.Bus, ex => observer?.StoreUnavailable(ex), time)
            : new GroupCommitSequencer(store, _published, ex => observer?.StoreFailed(ex), time);
        _presence = new Cluster.ClusterPresence(_hub, key => _conversations!.Find(key) as ChatRoom, slowConsumers);
        _conversations = new ConversationCache(_hub, _sequencer, _presence);
        _sanctions = new Sanctions(time);
        var names = new NameRules(store, _online.Claims);
        var reads = new Reading.ReadCounter(_hub);
        var attacher = new Attacher(_hub, _conversations, _online, slowConsumers, Flood);
        _accounts = new AccountService(_hub, _online, names);
        _admission = new Admission(_hub, _online, names, _accounts, _conversations, attacher, _sanctions, slowConsumers, reads);
        slowConsumers.RetireWith(_admission.Retire);
        _rooms = new RoomService(_hub, _conversations, attacher, _sanctions, slowConsumers, new Limits.RoomCreationThrottle(options.RoomCreation, time), _presence, reads);
        _membership = new RemoteMembership(_hub, _online, _conversations, attacher, _rooms, _presence, slowConsumers);
        _messaging = new MessagingService(_hub, _sequencer, _conversations, _online, _rooms, _sanctions, attacher, Flood);
        _history = new HistoryReader(_hub, _conversations, _rooms, _messaging, Flood);
        _moderationContext = new ModerationContext(_hub, _online, _rooms, _conversations, _sanctions);
        _moderation = new ModerationPipeline(_moderationContext, store, time);
        new ModerationEffects(_moderationContext, _admission, slowConsumers).Register(_hub.Cluster);
        _files = new FilePermissions(store, store);
        _readState = new Reading.ReadStateService(_hub, reads, _conversations, _rooms, _online, slowConsumers);
        _readState.Register(_hub.Cluster);
        _search = new Search.SearchService(_hub, _conversations, _messaging, Flood);
        new ClusterMessages(_conversations, fanOut, _online, attacher).Register(_hub.Cluster);
        _editing = new Editing.EditService(_hub, _conversations, _online, _sanctions, Flood, slowConsumers);
        _editing.Register(_hub.Cluster);
        StartAwayAndTyping(slowConsumers);
        StartReactions(slowConsumers);
        _privateRooms = new PrivateRooms(_hub, _online, _conversations, _rooms, slowConsumers);
        _privateRooms.Register(_hub.Cluster);
        StartPins(slowConsumers);
        StartAdmin();
        StartRetention(slowConsumers);
        _webhooks = new Webhooks.WebhookService(_hub, _online, names, _rooms, _messaging, _sanctions);
        _hub.Cluster.Start(ports.Bus);
    }

    /// <summary>This node's name in a cluster ("single" alone).</summary>
    public string NodeId => _hub.Bus.NodeId;

    /// <summary>Whether the cluster bus is connected (always on a node alone).</summary>
    public bool ClusterConnected => _hub.Bus.IsConnected;

    /// <summary>The flood-control buckets every door consults (frames) and <see cref="SendAsync(ChatSession, string?, string?, string?, string?, CancellationToken)"/> applies (messages).</summary>
    public Limits.FloodControl Flood { get; }

    public bool IsShuttingDown => _hub.ShuttingDown;

    /// <summary>The password-hashing workers (tests fill their queue to show that token logins never wait on it).</summary>
    internal Accounts.PasswordHashingWorkers PasswordHashing => _accounts.Hashing;

    /// <summary>Every live session, in no particular order.</summary>
    public IReadOnlyList<ChatSession> Sessions => _online.Sessions;

    /// <summary>Rooms and private conversations held in memory now (idle ones are dropped after a while).</summary>
    public int ConversationsInMemory => _conversations.Count;

    /// <summary>Messages this node has stored since it started.</summary>
    public long MessagesStoredSinceStart => _messaging.Stored;

    /// <summary>What the store holds now, counted (every node's messages when the store is shared).</summary>
    public Task<Storage.StoreCounts> CountStoredAsync(CancellationToken cancellationToken = default) => _hub.Store.CountAsync(cancellationToken);

    /// <summary>Prepares the store (schema, the lobby) and loads the bans in force. Call once before any connection.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var store = _hub.Store;
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await store.TryCreateRoomAsync(new RoomRecord(LobbyName, LobbyName, null, null, _hub.Now), cancellationToken).ConfigureAwait(false);

        // Guests' rooms last while someone is in them, and after a restart nobody is; but a store other nodes share
        // may hold the rooms of guests connected to them.
        if (!_sharedStore)
        {
            await store.DeleteGuestRoomsAsync(cancellationToken).ConfigureAwait(false);
        }
        _sanctions.Bans.Load(await store.ActiveBansAsync(_hub.Now, cancellationToken).ConfigureAwait(false));
        await _accounts.InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells every session the server is stopping and asks each connection to close after flushing.</summary>
    public void Shutdown(string message)
    {
        _hub.ShuttingDown = true;
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
        _hub.ShuttingDown = true;
        _presence.Dispose();
        await _sequencer.DisposeAsync().ConfigureAwait(false);
        await Flood.DisposeAsync().ConfigureAwait(false);
        _accounts.Dispose();
    }

    /// <summary>Retires a session (its connection closed); only the first call for a session has an effect.</summary>
    public void Disconnect(ChatSession session, LeaveReason reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        _admission.Retire(session, reason);
    }

    /// <summary>Logs a connection in (guest, password or token) and attaches it to its rooms and conversations.</summary>
    public async Task<HubResult<ChatSession>> HelloAsync(IChatConnection connection, HelloRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var hello = await _admission.HelloAsync(connection, request, cancellationToken).ConfigureAwait(false);
        Observability.HubMetrics.Login(hello.Error);
        if (hello.Succeeded)
        {
            await _privateRooms.TellOpenInvitationsAsync(hello.Value!, cancellationToken).ConfigureAwait(false);
        }

        return hello;
    }

    /// <summary>Creates an account and logs the connection in as it (register as the first frame).</summary>
    public async Task<HubResult<ChatSession>> RegisterAsync(IChatConnection connection, string? user, string? password, CancellationToken cancellationToken = default, bool bot = false, string? client = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var registered = await _admission.RegisterAsync(connection, user, password, cancellationToken, bot, client).ConfigureAwait(false);
        Observability.HubMetrics.Login(registered.Error);
        return registered;
    }

    /// <summary>A connected guest registers its own name: its user becomes that account (rooms kept). Returns the token.</summary>
    public Task<HubResult<string>> RegisterGuestAsync(ChatSession session, string? user, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _admission.RegisterGuestAsync(session, user, password, cancellationToken);
    }

    /// <summary>Changes the password (the current one is required), revokes every token and returns a new one.</summary>
    public Task<HubResult<string>> ChangePasswordAsync(ChatSession session, string? current, string? next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.ChangePasswordAsync(session, current, next, cancellationToken);
    }

    /// <summary>For request/response doors (HTTP): checks a password and issues a token, throttled like a <c>hello</c>.</summary>
    public async Task<HubResult<(string Token, string User)>> LoginForTokenAsync(string? user, string? password, string address, CancellationToken cancellationToken = default, string? label = null)
    {
        if (!UserNamePolicy.IsValid(user, out var problem))
        {
            Observability.HubMetrics.Login(new HubError(ErrorCode.BadName, problem));
            return new HubError(ErrorCode.BadName, problem);
        }

        var verified = await _accounts.VerifyAsync(UserNamePolicy.Fold(user!), password ?? "", address, cancellationToken).ConfigureAwait(false);
        Observability.HubMetrics.Login(verified.Error);
        return verified.Succeeded ? await TokenForAsync(verified.Value!, label, cancellationToken).ConfigureAwait(false) : verified.Error!;
    }

    /// <summary>For request/response doors (HTTP): creates an account and issues a token, throttled per <paramref name="address"/> like a <c>register</c>.</summary>
    public async Task<HubResult<(string Token, string User)>> RegisterForTokenAsync(string? user, string? password, string address, CancellationToken cancellationToken = default, string? label = null, bool bot = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        var created = await _accounts.CreateAsync(user, password, guest: null, address, cancellationToken, bot).ConfigureAwait(false);
        Observability.HubMetrics.Login(created.Error);
        return created.Succeeded ? await TokenForAsync(created.Value!, label, cancellationToken).ConfigureAwait(false) : created.Error!;
    }

    /// <summary>For request/response doors (HTTP): a session for one request, authenticated by a token; never online.</summary>
    public Task<HubResult<ChatSession>> OpenRequestSessionAsync(string? token, IChatConnection sink, CancellationToken cancellationToken = default)
        => _admission.OpenRequestSessionAsync(token, sink, cancellationToken);

    /// <summary>Revokes the session's token (logging out everywhere that token is used).</summary>
    public Task RevokeTokenAsync(ChatSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _accounts.RevokeTokenAsync(session, cancellationToken);
    }

    /// <summary>
    /// Sends a message to a room the user is in (<paramref name="room"/>) or to a user (<paramref name="to"/>).
    /// Completes as soon as the message has its seq (so a door can read the client's next frame and keep the
    /// client's order); the returned <see cref="PendingSend.Completion"/> completes once it is durable and delivered.
    /// A repeated <paramref name="clientId"/> from the same account yields the original message, not a new one.
    /// </summary>
    public Task<HubResult<PendingSend>> SendAsync(ChatSession session, string? room, string? to, string? text, string? clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return string.IsNullOrWhiteSpace(text)
            ? Task.FromResult<HubResult<PendingSend>>(new HubError(ErrorCode.BadRequest, "\"text\" must be a non-empty string"))
            : _messaging.SendAsync(session, room, to, text, null, clientId, cancellationToken);
    }

    /// <summary>Sends a message that may carry a file (<paramref name="fileId"/>, one the sender may see); with a file the text may be empty.</summary>
    public async Task<HubResult<PendingSend>> SendAsync(ChatSession session, string? room, string? to, string? text, string? fileId, string? clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (fileId is null)
        {
            return await SendAsync(session, room, to, text, clientId, cancellationToken).ConfigureAwait(false);
        }

        var file = await _files.FindVisibleAsync(session.User, fileId, cancellationToken).ConfigureAwait(false);
        return file.Succeeded
            ? await _messaging.SendAsync(session, room, to, string.IsNullOrWhiteSpace(text) ? "" : text, file.Value!.ToAttachment(), clientId, cancellationToken).ConfigureAwait(false)
            : file.Error!;
    }

    /// <summary>Sends an announcement from <see cref="ServerName"/> to the lobby; completes when it is durable.</summary>
    public Task<MessageEvent?> AnnounceAsync(string text) => _messaging.AnnounceAsync(text);

    /// <summary>
    /// Stored messages of a room the user is in or of the private conversation with <paramref name="with"/>: at most
    /// about <paramref name="maxBytes"/> of them (<see cref="HistoryReplyBytes"/>), the answer saying when more follow.
    /// </summary>
    public Task<HubResult<HistoryEvent>> HistoryAsync(ChatSession session, string? room, string? with, long? before, long? after, int? limit, string? requestId, long maxBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _history.ReadAsync(session, room, with, before, after, limit, requestId, maxBytes, cancellationToken);
    }

    /// <summary>
    /// The same read as <see cref="HistoryAsync"/>, checked and counted once, for a door that writes it in pages
    /// (<see cref="HistoryWindow.ReadPagesAsync"/>) so that a client that does not read holds one page, not all.
    /// </summary>
    public Task<HubResult<HistoryWindow>> OpenHistoryAsync(ChatSession session, string? room, string? with, long? before, long? after, int? limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _history.OpenAsync(session, room, with, before, after, limit, cancellationToken);
    }

    /// <summary>
    /// Joins a room, creating it (with the joiner as owner) when it does not exist. Every connection of the user
    /// receives the room's state and its last messages, then live messages. Joining a room one is in is not an error.
    /// </summary>
    public Task<HubResult<string>> JoinAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.JoinAsync(session, room, cancellationToken);
    }

    /// <summary>Leaves a room on every device; the room hears <c>left</c> with reason <c>left</c>.</summary>
    public Task<HubResult<string>> LeaveAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.LeaveAsync(session, room, cancellationToken);
    }

    /// <summary>
    /// One page of the room list, ordered by folded name: up to <paramref name="limit"/> rooms (default
    /// <see cref="DefaultRoomsPage"/>, at most <see cref="MaxRoomsPage"/>) after <paramref name="cursor"/> (the
    /// <see cref="RoomPage.Next"/> of the previous page; null for the first). Name, topic, users present, joined.
    /// </summary>
    public Task<HubResult<RoomPage>> RoomsAsync(ChatSession session, string? cursor = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.ListAsync(session, cursor, limit, cancellationToken);
    }

    /// <summary>Sets a room's topic (a locked topic: its owner and moderators only); everyone in the room hears <c>topic</c>.</summary>
    public Task<HubResult<string>> SetTopicAsync(ChatSession session, string? room, string? topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _rooms.SetTopicAsync(session, room, topic, cancellationToken);
    }

    /// <summary>Who is present in a room (any room that exists; being in it is not required).</summary>
    public Task<HubResult<PresencePage>> WhoAsync(string? room, string? cursor = null, int? limit = null) => _rooms.WhoAsync(room, cursor, limit);

    private async Task<HubResult<(string Token, string User)>> TokenForAsync(AccountRecord account, string? label, CancellationToken cancellationToken)
        => HubResult<(string, string)>.Ok((await _accounts.IssueTokenAsync(account.Key, label ?? "http", cancellationToken).ConfigureAwait(false), account.Name));
}
