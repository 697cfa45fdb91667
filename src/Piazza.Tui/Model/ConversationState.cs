namespace Piazza.Tui;

/// <summary>
/// One conversation as the user sees it, without any view: a room or a private conversation, with its lines
/// (messages kept in seq order and deduplicated by seq, notices where they happened), users, topic and unread count.
/// Not thread-safe; the UI touches it only on its own thread.
/// </summary>
internal sealed partial class ConversationState
{
    private readonly List<ChatLine> _lines = [];
    private readonly HashSet<long> _seqs = [];
    private readonly Dictionary<long, string> _deleted = [];
    private readonly SortedSet<string> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxLines;

    public ConversationState(string id, string? peer = null, int maxLines = ChatState.DefaultMaxLines)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Peer = peer;
        _maxLines = maxLines;
    }

    /// <summary>The protocol id: a room name (<c>dev</c>) or a private conversation (<c>@alice,bob</c>).</summary>
    public string Id { get; }

    public bool IsPrivate => IsPrivateId(Id);

    /// <summary>The other participant of a private conversation (as the server spells the name); null for rooms.</summary>
    public string? Peer { get; set; }

    /// <summary>The participants other than us of a group conversation (as the server spells the names); null otherwise.</summary>
    public IReadOnlyList<string>? Group
    {
        get;
        set
        {
            field = value;
            Peer = value is null ? Peer : string.Join(", ", value); // what "Private conversation with …" and Ctrl+K show
        }
    }

    /// <summary>Who is in a private conversation, us first: <c>[alice, bob]</c>, or a group's <c>[alice, bob, carol]</c>.</summary>
    public IReadOnlyList<string> PrivateUsers(string self) => IsGroup && Group is { } group ? [self, .. group] : [self, Peer ?? "?"];

    /// <summary>A group conversation: three or more participants (<c>@alice,bob,carol</c>).</summary>
    public bool IsGroup => IsPrivate && Id.Count(c => c == ',') >= 2;

    /// <summary>What the room list shows: <c>dev</c>, <c>@bob</c> for a private conversation with bob, <c>bob, carol</c> for a group.</summary>
    public string DisplayName => IsGroup ? string.Join(", ", Group ?? [Peer ?? Id[1..]]) : IsPrivate ? "@" + (Peer ?? Id[1..]) : Id;

    public string? Topic { get; set; }

    public string? Owner { get; set; }

    /// <summary>Messages of others after the read position (from the server's counts, then as they arrive unseen).</summary>
    public int Unread { get; set; }

    /// <summary>A private room (listed only to its members): the list marks it with <see cref="PrivateMark"/>.</summary>
    public bool IsPrivateRoom { get; set; }

    public const string PrivateMark = "*";

    /// <summary>Of those, the ones that mention us (ChatState.Reading.cs).</summary>
    public int Mentions { get; set; }

    /// <summary>The account's read position here (the seq of the newest message read, on any device); 0 for none.</summary>
    public long ReadSeq { get; set; }

    /// <summary>The newest seq the counts already hold (the server's counts, or messages counted as they came).</summary>
    public long CountedTo { get; set; }

    /// <summary>The conversation's newest seq as the server last said it (the welcome's counts), even if not held.</summary>
    public long ServerSeq { get; set; }

    /// <summary>What the room list shows, with the private mark, the unread count and, apart, the mentions of us: <c>ops* (3) @1</c>.</summary>
    public string ListLabel => (IsPrivateRoom ? DisplayName + PrivateMark : DisplayName) + (Unread > 0 ? $" ({Unread})" : "") + (Mentions > 0 ? $" @{Mentions}" : "");

    public IReadOnlyList<ChatLine> Lines => _lines;

    /// <summary>Users present (rooms only), sorted case-insensitively: in a busy room only the first page and those seen since.</summary>
    public SortedSet<string> Users => _users;

    /// <summary>Users present in all, as the server counted them (at least <see cref="Users"/>).</summary>
    public int UserCount
    {
        get => Math.Max(_userCount, _users.Count);
        set => _userCount = value;
    }

    private int _userCount;

    /// <summary>A user is present: listed, and counted when new to the list.</summary>
    public bool AddUser(string user)
    {
        var before = UserCount;
        if (!_users.Add(user))
        {
            return false;
        }

        _userCount = before + 1;
        return true;
    }

    /// <summary>A user left: counted out (listed or beyond the first page) and taken off the list; true when listed.</summary>
    public bool RemoveUser(string user)
    {
        _userCount = Math.Max(0, UserCount - 1);
        return _users.Remove(user);
    }

    /// <summary>The lowest message seq held, or null when no message is held.</summary>
    public long? OldestSeq { get; private set; }

    /// <summary>The highest message seq held, or null when no message is held.</summary>
    public long? NewestSeq { get; private set; }

    /// <summary>Seqs start at 1 with no gaps, so older messages exist exactly when the oldest held is above 1.</summary>
    public bool HasOlder => OldestSeq is > 1 && !ReachedStart;

    /// <summary>Set when the server answered an older-history request with nothing.</summary>
    public bool ReachedStart { get; set; }

    /// <summary>True while an older-history request is on its way (so scrolling does not ask twice).</summary>
    public bool LoadingOlder { get; set; }

    public static bool IsPrivateId(string id) => id.StartsWith('@');

    /// <summary>
    /// Adds a message line at its seq position; returns false (and adds nothing) for a seq already held.
    /// A line older than every held message goes before everything, notices included (scrollback).
    /// </summary>
    public bool AddMessage(ChatLine line, out bool prepended)
    {
        ArgumentNullException.ThrowIfNull(line);
        prepended = false;
        if (line.Seq is not { } seq)
        {
            AddLine(line);
            return true;
        }

        if (!_seqs.Add(seq))
        {
            return false;
        }

        // A deletion can overtake the message itself (a catch-up page read just before it): apply it on arrival.
        if (_deleted.TryGetValue(seq, out var notice))
        {
            line = line with { Text = notice, Deleted = true };
        }

        line = WithPinMark(line);

        if (NewestSeq is null || seq > NewestSeq)
        {
            _lines.Add(line);
        }
        else
        {
            // Older than the newest (scrollback, or a gap filled late): right after the last message with a lower seq,
            // or before everything when it is the oldest (notices shown so far are newer than stored history).
            var after = _lines.FindLastIndex(l => l.Seq < seq);
            _lines.Insert(after + 1, line);
            prepended = true;
        }

        OldestSeq = OldestSeq is { } oldest ? Math.Min(oldest, seq) : seq;
        NewestSeq = NewestSeq is { } newest ? Math.Max(newest, seq) : seq;
        Trim();
        return true;
    }

    /// <summary>Message <paramref name="seq"/> was edited to <paramref name="text"/>: held replies quote the new text. True when one changed.</summary>
    public bool FollowEdit(long seq, string text) => ChatState.FollowEdit(_lines, seq, text);

    /// <summary>Replaces a held message with its deleted form; false when the message is not held.</summary>
    public bool MarkDeleted(long seq, string notice)
    {
        _deleted[seq] = notice;
        var quoted = ChatState.FollowDeletion(_lines, seq);
        var index = _lines.FindIndex(l => l.Seq == seq);
        if (index < 0)
        {
            return quoted;
        }

        _lines[index] = _lines[index] with { Text = notice, Deleted = true, Reply = null };
        return true;
    }

    /// <summary>Replaces the message line with seq <paramref name="seq"/> by what <paramref name="change"/> makes of it; false when it is not held.</summary>
    public bool ReplaceMessage(long seq, Func<ChatLine, ChatLine> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var index = _lines.FindIndex(l => l.Seq == seq && l.MessageId is not null);
        if (index < 0 || _lines[index].Deleted)
        {
            return false; // a deleted message takes no edit or reaction
        }

        _lines[index] = change(_lines[index]);
        return true;
    }

    /// <summary>The newest message still standing, from <paramref name="sender"/> (any sender when null).</summary>
    public ChatLine? LatestMessageFrom(string? sender)
        => _lines.LastOrDefault(l => l.MessageId is not null && !l.Deleted
            && (sender is null || string.Equals(l.Sender, sender, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Folded names of the room's moderators (from the room state and role events).</summary>
    public SortedSet<string> Moderators { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Appends a notice or local line (no seq).</summary>
    public void AddLine(ChatLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _lines.Add(line);
        Trim();
    }

    /// <summary>Removes this very line (a pending send that was confirmed or failed); false when it is not held.</summary>
    public bool RemoveLine(ChatLine line)
    {
        var index = _lines.FindIndex(l => ReferenceEquals(l, line));
        if (index >= 0)
        {
            _lines.RemoveAt(index);
        }

        return index >= 0;
    }

    /// <summary>Drops the oldest lines beyond the limit, so a long session stays small.</summary>
    private void Trim()
    {
        while (_lines.Count > _maxLines)
        {
            var dropped = _lines[0];
            _lines.RemoveAt(0);
            if (dropped.Seq is { } seq)
            {
                _seqs.Remove(seq);
                OldestSeq = _lines.FirstOrDefault(l => l.Seq is not null)?.Seq;
            }
        }
    }
}
