using System.Globalization;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// The chat as the user sees it, without any view: the conversations (rooms and private ones) with their lines,
/// users, topics and unread counts, and which one is shown; updated from server frames.
/// Not thread-safe; the UI touches it only on its own thread.
/// </summary>
internal sealed class ChatState
{
    /// <summary>Lines kept in memory per conversation; older ones are dropped so a long session stays small.</summary>
    public const int DefaultMaxLines = 5000;

    private readonly List<ConversationState> _conversations = [];
    private readonly int _maxLines;
    private readonly Func<DateTime> _now;
    private bool _welcomed;

    public ChatState(int maxLines = DefaultMaxLines, Func<DateTime>? now = null)
    {
        _maxLines = maxLines;
        _now = now ?? (() => DateTime.Now);
        Current = Ensure(ProtocolConstants.Lobby);
    }

    /// <summary>Our own name as the server confirmed it in welcome; empty before.</summary>
    public string Self { get; private set; } = "";

    /// <summary>Rooms in the order they were entered, then private conversations in the order they started.</summary>
    public IReadOnlyList<ConversationState> Conversations => _conversations;

    /// <summary>The conversation shown (and the one plain text is sent to).</summary>
    public ConversationState Current { get; private set; }

    /// <summary>The current conversation's lines.</summary>
    public IReadOnlyList<ChatLine> Lines => Current.Lines;

    /// <summary>The current conversation's users, sorted case-insensitively.</summary>
    public IReadOnlyCollection<string> Users => Current.Users;

    /// <summary>A line was added to a conversation; <c>history</c> is true for stored messages (login, join, scrollback).</summary>
    public event Action<ConversationState, ChatLine, bool>? LineAdded;

    /// <summary>A conversation's lines changed other than at the end (older history inserted): views rebuild it.</summary>
    public event Action<ConversationState>? LinesReplaced;

    /// <summary>The room list changed: an entry added or removed, or an unread count changed.</summary>
    public event Action? ConversationsChanged;

    /// <summary>Another conversation is shown.</summary>
    public event Action? CurrentChanged;

    /// <summary>The user list of a conversation changed.</summary>
    public event Action<ConversationState>? UsersChanged;

    /// <summary>The topic of a conversation changed.</summary>
    public event Action<ConversationState>? TopicChanged;

    /// <summary>Finds a conversation by id (case-insensitive), or null.</summary>
    public ConversationState? Find(string id)
        => _conversations.Find(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds the private conversation with <paramref name="user"/>, or null.</summary>
    public ConversationState? FindPrivate(string user)
        => _conversations.Find(c => c.IsPrivate && string.Equals(c.Peer, user, StringComparison.OrdinalIgnoreCase));

    /// <summary>Returns the conversation with this id, adding it to the list if it is new.</summary>
    public ConversationState Ensure(string id, string? peer = null)
    {
        if (Find(id) is { } existing)
        {
            if (peer is not null && existing.IsPrivate && !string.Equals(existing.Peer, peer, StringComparison.Ordinal))
            {
                existing.Peer = peer;
                ConversationsChanged?.Invoke();
            }

            return existing;
        }

        var conversation = new ConversationState(id, peer ?? (ConversationState.IsPrivateId(id) ? PeerFromId(id) : null), _maxLines);
        var index = conversation.IsPrivate ? _conversations.Count : _conversations.FindIndex(c => c.IsPrivate);
        _conversations.Insert(index < 0 ? _conversations.Count : index, conversation);
        ConversationsChanged?.Invoke();
        return conversation;
    }

    /// <summary>Shows another conversation and clears its unread count.</summary>
    public void SwitchTo(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var changed = !ReferenceEquals(conversation, Current);
        Current = conversation;
        if (conversation.Unread != 0)
        {
            conversation.Unread = 0;
            ConversationsChanged?.Invoke();
        }

        if (changed)
        {
            CurrentChanged?.Invoke();
        }
    }

    /// <summary>Shows the next (<paramref name="step"/> 1) or previous (-1) conversation of the list, wrapping around.</summary>
    public void SwitchBy(int step)
    {
        var index = _conversations.IndexOf(Current);
        var count = _conversations.Count;
        SwitchTo(_conversations[(((index + step) % count) + count) % count]);
    }

    /// <summary>Removes a conversation we left; if it was shown, the lobby (or the first entry) is shown instead.</summary>
    public void Remove(string id)
    {
        if (Find(id) is not { } conversation)
        {
            return;
        }

        _conversations.Remove(conversation);
        if (_conversations.Count == 0)
        {
            Ensure(ProtocolConstants.Lobby);
        }

        ConversationsChanged?.Invoke();
        if (ReferenceEquals(conversation, Current))
        {
            SwitchTo(Find(ProtocolConstants.Lobby) ?? _conversations[0]);
        }
    }

    /// <summary>Applies a pushed frame (welcome, room, history, message, joined, left, topic, shutdown, error); unknown frames are ignored.</summary>
    public void Apply(ServerFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        switch (frame.Type)
        {
            case FrameTypes.Welcome:
                ApplyWelcome(frame);
                break;
            case FrameTypes.Room when frame.Room is { } room:
                var entered = Ensure(room);
                entered.Topic = frame.Topic;
                entered.Owner = frame.Owner;
                entered.Users.Clear();
                entered.Users.UnionWith((frame.Users ?? []).Select(u => u.User));
                entered.Moderators.Clear();
                entered.Moderators.UnionWith(frame.Moderators ?? []);
                UsersChanged?.Invoke(entered);
                TopicChanged?.Invoke(entered);
                break;
            case FrameTypes.History when frame.Room is { } room:
                ApplyHistory(frame, room);
                break;
            case FrameTypes.Message:
                AddMessage(ConversationOf(frame), frame, history: false);
                break;
            case FrameTypes.Joined when frame.User is { } joined:
                var joinedRoom = Ensure(RoomOf(frame));
                if (joinedRoom.Users.Add(joined))
                {
                    UsersChanged?.Invoke(joinedRoom);
                }

                AddLine(joinedRoom, new ChatLine(TimeOf(frame), ChatLineKind.Joined, joined, $"{joined} joined"));
                break;
            case FrameTypes.Left when frame.User is { } left:
                ApplyLeft(frame, left);
                break;
            case FrameTypes.Topic when frame.Room is { } room:
                var changed = Ensure(room);
                changed.Topic = frame.Topic;
                TopicChanged?.Invoke(changed);
                var by = frame.By is null ? "" : $"{frame.By} ";
                AddLine(changed, new ChatLine(TimeOf(frame), ChatLineKind.System, frame.By, string.IsNullOrEmpty(frame.Topic) ? $"{by}cleared the topic" : $"{by}set the topic: {frame.Topic}"));
                break;
            case FrameTypes.Shutdown:
                AddSystem(frame.Message is { Length: > 0 } m ? "server: " + m : "the server is shutting down");
                break;
            case FrameTypes.Error:
                AddError(frame.Message ?? frame.Code ?? "error");
                break;
            case FrameTypes.Deleted or FrameTypes.Kicked or FrameTypes.Banned or FrameTypes.Muted or FrameTypes.Unmuted or FrameTypes.Role:
                ApplyModeration(frame);
                break;
        }
    }

    /// <summary>The user is a server admin (from <c>welcome</c>).</summary>
    public bool IsAdmin { get; private set; }

    /// <summary>Whether moderation commands are worth offering in a conversation: admins, and a room's owner and moderators.</summary>
    public bool CanModerate(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return IsAdmin || (!conversation.IsPrivate
            && (string.Equals(conversation.Owner, Self, StringComparison.OrdinalIgnoreCase) || conversation.Moderators.Contains(Self)));
    }

    /// <summary>deleted, kicked, banned, muted, unmuted and role events: a line that says who did what, and state changes.</summary>
    private void ApplyModeration(ServerFrame frame)
    {
        var reason = string.IsNullOrEmpty(frame.Reason) ? "" : $": {frame.Reason}";
        var until = frame.Until is { } end && DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? $" until {at.LocalDateTime:yyyy-MM-dd HH:mm}"
            : "";
        var self = string.Equals(frame.User, Self, StringComparison.OrdinalIgnoreCase);
        switch (frame.Type)
        {
            case FrameTypes.Deleted when frame.Room is { } room && frame.Seq is { } seq:
                if (Find(room) is { } holder && holder.MarkDeleted(seq, $"(message deleted by {frame.By})"))
                {
                    LinesReplaced?.Invoke(holder);
                }

                break;
            case FrameTypes.Kicked:
                AddLine(Current, new ChatLine(TimeOf(frame), ChatLineKind.Error, frame.By, $"you were disconnected from the server by {frame.By}{reason}"));
                break;
            case FrameTypes.Banned:
                var where = frame.Room is { } bannedFrom ? $"from {bannedFrom}" : "from the server";
                AddLine(frame.Room is { } r && Find(r) is { } c ? c : Current, new ChatLine(TimeOf(frame), ChatLineKind.Error, frame.By, $"you were banned {where} by {frame.By}{until}{reason}"));
                break;
            case FrameTypes.Muted or FrameTypes.Unmuted:
                var verb = frame.Type == FrameTypes.Muted ? "muted" : "unmuted";
                AddLine(Ensure(RoomOf(frame)), new ChatLine(TimeOf(frame), ChatLineKind.System, frame.By, $"{(self ? "you were" : frame.User + " was")} {verb} by {frame.By}{(verb == "muted" ? until : "")}{reason}"));
                break;
            case FrameTypes.Role when frame.User is { } user:
                var roomState = Ensure(RoomOf(frame));
                var moderator = frame.Role == "moderator";
                _ = moderator ? roomState.Moderators.Add(user) : roomState.Moderators.Remove(user);
                AddLine(roomState, new ChatLine(TimeOf(frame), ChatLineKind.System, frame.By, $"{frame.By} {(moderator ? "made" : "removed")} {user} {(moderator ? "a moderator" : "as moderator")}"));
                break;
        }
    }

    /// <summary>Adds stored messages (an answer to an older-history request) to a conversation.</summary>
    public void AddHistory(string room, IReadOnlyList<ServerFrame> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = Find(room);
        if (conversation is null)
        {
            return;
        }

        conversation.LoadingOlder = false;
        if (messages.Count == 0 || conversation.OldestSeq is { } oldest && messages.All(m => m.Seq >= oldest))
        {
            conversation.ReachedStart = true;
        }

        AddMessages(conversation, messages);
    }

    /// <summary>A file shared in any conversation held, by id (for its name and checksum when downloading); null if unseen.</summary>
    public Piazza.Protocol.SharedFileInfo? FindFile(string id)
        => _conversations.SelectMany(c => c.Lines).Select(l => l.File).LastOrDefault(f => f is not null && string.Equals(f.Id, id, StringComparison.Ordinal));

    /// <summary>Adds a local notice (help text, who list, connection state) to the current conversation.</summary>
    public ChatLine AddSystem(string text) => AddLine(Current, new ChatLine(_now(), ChatLineKind.System, null, text));

    /// <summary>Adds a local error (a send that failed, an unknown command) to the current conversation.</summary>
    public ChatLine AddError(string text) => AddLine(Current, new ChatLine(_now(), ChatLineKind.Error, null, text));

    /// <summary>Replaces the current conversation's user list with an authoritative one (from <c>who</c>).</summary>
    public void SetUsers(IEnumerable<string> users) => SetUsers(Current, users);

    /// <summary>Replaces a conversation's user list with an authoritative one (from <c>who</c>).</summary>
    public void SetUsers(ConversationState conversation, IEnumerable<string> users)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        conversation.Users.Clear();
        conversation.Users.UnionWith(users);
        UsersChanged?.Invoke(conversation);
    }

    private void ApplyWelcome(ServerFrame frame)
    {
        Self = frame.User ?? Self;
        IsAdmin = frame.Admin == true;
        var rooms = (frame.Rooms ?? []).Select(r => r.Room).ToList();
        if (rooms.Count == 0)
        {
            rooms.Add(frame.Room ?? ProtocolConstants.Lobby);
        }

        foreach (var room in rooms)
        {
            Ensure(room);
        }

        // A fresh client starts with the lobby; drop it if this account has left the lobby.
        if (!_welcomed && Find(ProtocolConstants.Lobby) is { } lobby && !rooms.Contains(ProtocolConstants.Lobby, StringComparer.OrdinalIgnoreCase))
        {
            _conversations.Remove(lobby);
            ConversationsChanged?.Invoke();
        }

        if (!_welcomed)
        {
            SwitchTo(Find(ProtocolConstants.Lobby) ?? Find(rooms[0])!);
        }

        if (Find(ProtocolConstants.Lobby) is { } welcomeRoom)
        {
            SetUsers(welcomeRoom, (frame.Users ?? []).Select(u => u.User).Append(Self));
        }

        var verb = _welcomed ? "reconnected" : "connected";
        _welcomed = true;
        var online = Find(ProtocolConstants.Lobby)?.Users.Count ?? 1;
        AddSystem($"{verb} as {Self} · {online} online · /help for commands");
        if (verb == "connected" && !string.IsNullOrWhiteSpace(frame.Motd))
        {
            AddSystem(frame.Motd);
        }
    }

    private void ApplyHistory(ServerFrame frame, string room)
    {
        if (frame.Re is not null)
        {
            // An answer to our own older-history request (the client library delivers it as an event).
            AddHistory(room, frame.Messages ?? []);
            return;
        }

        var conversation = ConversationState.IsPrivateId(room)
            ? Ensure(room, PeerOf(frame.Messages?.FirstOrDefault()))
            : Ensure(room);
        AddMessages(conversation, frame.Messages ?? []);
    }

    private void AddMessages(ConversationState conversation, IReadOnlyList<ServerFrame> messages)
    {
        var replaced = false;
        foreach (var message in messages.OrderBy(m => m.Seq))
        {
            replaced |= AddMessage(conversation, message, history: true, raiseReplaced: false);
        }

        if (replaced)
        {
            LinesReplaced?.Invoke(conversation);
        }
    }

    /// <summary>Adds one message; returns true when it went somewhere other than the end.</summary>
    private bool AddMessage(ConversationState conversation, ServerFrame frame, bool history, bool raiseReplaced = true)
    {
        var own = string.Equals(frame.From, Self, StringComparison.OrdinalIgnoreCase);
        var deleted = frame.Deleted == true;
        var line = new ChatLine(TimeOf(frame), own ? ChatLineKind.OwnMessage : ChatLineKind.Message, frame.From, deleted ? "(message deleted)" : ChatLine.MessageText(frame.Text, frame.File))
        {
            Seq = frame.Seq,
            File = deleted ? null : frame.File,
            MessageId = frame.Id,
            Deleted = deleted,
        };
        if (!conversation.AddMessage(line, out var prepended))
        {
            return false;
        }

        if (prepended)
        {
            if (raiseReplaced)
            {
                LinesReplaced?.Invoke(conversation);
            }

            return true;
        }

        if (!history && !own && !ReferenceEquals(conversation, Current))
        {
            conversation.Unread++;
            ConversationsChanged?.Invoke();
        }

        LineAdded?.Invoke(conversation, line, history);
        return false;
    }

    private void ApplyLeft(ServerFrame frame, string left)
    {
        var room = RoomOf(frame);
        if (string.Equals(left, Self, StringComparison.OrdinalIgnoreCase) && frame.Reason == LeaveReasons.Left)
        {
            // We left (here or on another device).
            var wasShown = ReferenceEquals(Find(room), Current);
            Remove(room);
            if (wasShown)
            {
                AddSystem($"you left {room}");
            }

            return;
        }

        var conversation = Ensure(room);
        if (conversation.Users.Remove(left))
        {
            UsersChanged?.Invoke(conversation);
        }

        var reason = string.IsNullOrEmpty(frame.Reason) ? "" : $" ({frame.Reason})";
        if (frame.By is { } by && frame.Reason is LeaveReasons.Kicked or LeaveReasons.Banned)
        {
            // A moderator removed them: say who and why, as clearly as the event allows.
            var why = string.IsNullOrEmpty(frame.Message) ? "" : $": {frame.Message}";
            var who = string.Equals(left, Self, StringComparison.OrdinalIgnoreCase) ? "you were" : $"{left} was";
            AddLine(conversation, new ChatLine(TimeOf(frame), ChatLineKind.Left, left, $"{who} {frame.Reason} from {room} by {by}{why}"));
            return;
        }

        AddLine(conversation, new ChatLine(TimeOf(frame), ChatLineKind.Left, left, $"{left} left{reason}"));
    }

    private ConversationState ConversationOf(ServerFrame frame)
    {
        var room = RoomOf(frame);
        return ConversationState.IsPrivateId(room) || frame.To is not null
            ? Ensure(room, PeerOf(frame))
            : Ensure(room);
    }

    /// <summary>The other participant of a private message: the recipient of our own, else the sender.</summary>
    private string? PeerOf(ServerFrame? message)
        => message is null ? null
            : string.Equals(message.From, Self, StringComparison.OrdinalIgnoreCase) ? message.To
            : message.From;

    /// <summary>The other participant from an id like <c>@alice,~bob</c> (guests' keys start with <c>~</c>).</summary>
    private string? PeerFromId(string id)
    {
        var keys = id[1..].Split(',');
        var self = Self.ToLowerInvariant();
        var other = keys.FirstOrDefault(k => k.TrimStart('~') != self) ?? keys[0];
        return other.TrimStart('~');
    }

    private static string RoomOf(ServerFrame frame) => frame.Room ?? ProtocolConstants.Lobby;

    private ChatLine AddLine(ConversationState conversation, ChatLine line)
    {
        conversation.AddLine(line);
        LineAdded?.Invoke(conversation, line, false);
        return line;
    }

    /// <summary>The server's timestamp in local time, or now when it sent none.</summary>
    private DateTime TimeOf(ServerFrame frame)
        => DateTimeOffset.TryParse(frame.Ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? ts.LocalDateTime
            : _now();
}
