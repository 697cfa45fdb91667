using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// The chat as the user sees it, without any view: the conversations (rooms and private ones) with their lines,
/// users, topics and unread counts, which one is shown, and the connection's state; updated from the client's events
/// (ChatState.Events.cs) and by the command controller.
/// Not thread-safe; the UI touches it only on its own thread.
/// </summary>
internal sealed partial class ChatState
{
    /// <summary>Lines kept in memory per conversation; older ones are dropped so a long session stays small.</summary>
    public const int DefaultMaxLines = 5000;

    /// <summary>
    /// Hex digits a file line shows of a file's id (as git shows 7 of a commit's): 8 make two of a session's files
    /// start alike about once in 4 billion pairs; <see cref="ShortFileId"/> adds digits when they do.
    /// </summary>
    public const int ShortFileIdLength = 8;

    private readonly List<ConversationState> _conversations = [];

    /// <summary>Every file seen in a message this session, by id (for /download by a short id); a few bytes each.</summary>
    private readonly Dictionary<string, SharedFile> _files = new(StringComparer.OrdinalIgnoreCase);
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
        conversation.Group = conversation.IsGroup ? OthersFromId(id) : null;
        var index = conversation.IsPrivate ? _conversations.Count : _conversations.FindIndex(c => c.IsPrivate);
        _conversations.Insert(index < 0 ? _conversations.Count : index, conversation);
        ConversationsChanged?.Invoke();
        return conversation;
    }

    /// <summary>Shows another conversation, from its newest line: what it holds is read (its counts clear).</summary>
    public void SwitchTo(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var changed = !ReferenceEquals(conversation, Current);
        Current = conversation;
        Following = true;
        Seen(conversation, conversation.NewestSeq ?? 0);

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

        // Switch away first: listeners of ConversationsChanged look the current conversation up in the list.
        if (ReferenceEquals(conversation, Current))
        {
            SwitchTo(Find(ProtocolConstants.Lobby) ?? _conversations[0]);
        }

        ConversationsChanged?.Invoke();
    }

    /// <summary>The user is a server admin (from the welcome).</summary>
    public bool IsAdmin { get; private set; }

    /// <summary>The connection's state as last reported, and why (e.g. why it was lost).</summary>
    public ConnectionState Connection { get; private set; } = ConnectionState.Connected;

    /// <summary>The detail of the last connection change (e.g. why it was lost); null when there was none.</summary>
    public string? ConnectionDetail { get; private set; }

    /// <summary>The server connected to now (one node of a cluster); null while not connected.</summary>
    public ServerEndpoint? ConnectedServer { get; private set; }

    /// <summary>The connection's state changed.</summary>
    public event Action? ConnectionChanged;

    /// <summary>Whether moderation commands are worth offering in a conversation: admins, and a room's owner and moderators.</summary>
    public bool CanModerate(ConversationState conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return IsAdmin || (!conversation.IsPrivate
            && (string.Equals(conversation.Owner, Self, StringComparison.OrdinalIgnoreCase) || conversation.Moderators.Contains(Self)));
    }

    /// <summary>Adds stored messages (an answer to an older-history request) to a conversation.</summary>
    public void AddHistory(string room, IReadOnlyList<ChatMessage> messages)
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

    /// <summary>A file shared in a message seen this session, by its full id; null if unseen.</summary>
    public SharedFile? FindFile(string id) => _files.GetValueOrDefault(id);

    /// <summary>The files seen this session whose id starts with <paramref name="prefix"/> (as git resolves a short commit id).</summary>
    public IReadOnlyList<SharedFile> MatchFiles(string prefix)
        => FindFile(prefix) is { } exact ? [exact] : [.. _files.Values.Where(f => f.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// The id a file line shows: its first <see cref="ShortFileIdLength"/> characters, more when another file seen
    /// this session starts the same way, so that /download of what is shown finds this one file.
    /// </summary>
    public string ShortFileId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        for (var length = Math.Min(ShortFileIdLength, id.Length); length < id.Length; length++)
        {
            var prefix = id[..length];
            if (!_files.Keys.Any(other => !string.Equals(other, id, StringComparison.OrdinalIgnoreCase) && other.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                return prefix;
            }
        }

        return id;
    }

    /// <summary>A message's text as a line shows it, its file (if any) remembered for /download and shown by its short id.</summary>
    private string MessageText(ChatMessage message)
    {
        if (message.Deleted)
        {
            return "(message deleted)";
        }

        if (message.File is { } file)
        {
            _files[file.Id] = file;
        }

        return ChatLine.MessageText(message.Text, message.File, message.File is { } shared ? ShortFileId(shared.Id) : null);
    }

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
        conversation.UserCount = conversation.Users.Count;
        UsersChanged?.Invoke(conversation);
    }

    private ChatLine AddLine(ConversationState conversation, ChatLine line)
    {
        conversation.AddLine(line);
        LineAdded?.Invoke(conversation, line, false);
        return line;
    }

    /// <summary>The server's timestamp in local time, or now when it sent none.</summary>
    private DateTime TimeOf(DateTimeOffset? at) => at?.LocalDateTime ?? _now();
}
