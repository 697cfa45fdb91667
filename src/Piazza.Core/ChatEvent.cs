using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Something the hub tells connections: immutable and shared by every recipient. Each door encodes it
/// at most once per wire format (<see cref="GetEncoded"/>), however many connections receive it.
/// </summary>
public abstract class ChatEvent
{
    private byte[]?[]? _encodings;

    /// <summary>An upper estimate of the encoded size, used to bound outbound queues before encoding.</summary>
    public abstract int EstimatedBytes { get; }

    /// <summary>Returns this event's bytes in the encoder's wire format, encoding on first use only.</summary>
    public byte[] GetEncoded(IEventEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var slots = Volatile.Read(ref _encodings);
        if (slots is null)
        {
            Interlocked.CompareExchange(ref _encodings, new byte[]?[EventEncoderSlots.Count], null);
            slots = _encodings!;
        }

        var cached = Volatile.Read(ref slots[encoder.Slot]);
        if (cached is not null)
        {
            return cached;
        }

        // Encoding is CPU only (no I/O), so a short lock guarantees "once" without a lock across any socket work.
        lock (slots)
        {
            cached = slots[encoder.Slot];
            if (cached is null)
            {
                cached = encoder.Encode(this);
                Volatile.Write(ref slots[encoder.Slot], cached);
            }

            return cached;
        }
    }

    /// <summary>A copy of this event with no encodings cached (for a variant that differs in an init property).</summary>
    protected T CloneUnencoded<T>()
        where T : ChatEvent
    {
        var copy = (T)MemberwiseClone();
        copy._encodings = null;
        return copy;
    }

    /// <summary>Rough UTF-8 size of a string: 3 bytes per UTF-16 unit bounds every code point.</summary>
    protected static int Utf8Bound(string? s) => s is null ? 0 : s.Length * 3;
}

/// <summary>Turns <see cref="ChatEvent"/>s into one wire format's bytes. One instance per format.</summary>
public interface IEventEncoder
{
    /// <summary>Cache slot of this format, from <see cref="EventEncoderSlots"/>.</summary>
    int Slot { get; }

    byte[] Encode(ChatEvent chatEvent);
}

/// <summary>Cache slots for the wire formats in use; a new door's encoder adds its own.</summary>
public static class EventEncoderSlots
{
    /// <summary>The JSON lines format, shared by TCP, TLS and WebSocket (the same bytes on each).</summary>
    public const int JsonLines = 0;

    /// <summary>Server-Sent Events (<c>GET /api/events</c>): the JSON lines bytes framed as an SSE event.</summary>
    public const int Sse = 1;

    /// <summary>IRC lines (the IRC door), with per-line capability headers a connection's write loop picks from.</summary>
    public const int Irc = 2;
    public const int Count = 3;
}

/// <summary>
/// A message in a conversation, with the conversation's sequence number. <see cref="Room"/> is what clients see:
/// the room's name, or the private conversation id (<c>@alice,bob</c>); <see cref="To"/> is set for private messages.
/// </summary>
public sealed class MessageEvent(string id, long seq, string conversation, string room, string from, string? to, string text, DateTimeOffset timestamp, FileAttachment? file = null) : ChatEvent
{
    public string Id { get; } = id;
    public long Seq { get; } = seq;
    public string Conversation { get; } = conversation;
    public string Room { get; } = room;
    public string From { get; } = from;
    public string? To { get; } = to;
    public string Text { get; } = text;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>The shared file this message carries, if any.</summary>
    public FileAttachment? File { get; } = file;

    /// <summary>Who deleted the message; its <see cref="Text"/> is then empty.</summary>
    public string? DeletedBy { get; init; }

    /// <summary>The sender is a bot account (docs/protocol.md, "Tokens, sessions and bots").</summary>
    public bool Bot { get; init; }

    /// <summary>The sender is a guest (no account): known for live messages only, not stored (the IRC door's <c>account</c> tag).</summary>
    public bool Guest { get; init; }

    /// <summary>The identity keys the text mentions (<see cref="Messaging.MentionRule"/>); null when none.</summary>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <summary>When the text was last edited (docs/protocol.md, "Edit"); null if never.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    private IReadOnlyList<Reactions.ReactionSummary>? _reactions;

    /// <summary>The message's reactions, first reacted first (docs/protocol.md, "Reactions"); null when none.</summary>
    public IReadOnlyList<Reactions.ReactionSummary>? Reactions { get => _reactions; init => _reactions = value; }

    /// <summary>The same message with <paramref name="reactions"/> in place of its own (no encodings carried over).</summary>
    public MessageEvent WithReactions(IReadOnlyList<Reactions.ReactionSummary>? reactions)
    {
        var copy = CloneUnencoded<MessageEvent>();
        copy._reactions = reactions;
        return copy;
    }

    private Replies.ReplyQuote? _reply;

    /// <summary>The message this one replies to, as quoted now (<see cref="Replies.ReplyQuote"/>); null for a plain message.</summary>
    public Replies.ReplyQuote? Reply { get => _reply; init => _reply = value; }

    public override int EstimatedBytes => 160 + Utf8Bound(Text) + Utf8Bound(From) + Utf8Bound(Room) + Utf8Bound(To) + (File is null ? 0 : 200 + Utf8Bound(File.Name) + Utf8Bound(File.Mime))
        + (Mentions is null ? 0 : Mentions.Sum(m => 4 + Utf8Bound(m))) + (EditedAt is null ? 0 : 48)
        + (Reply is null ? 0 : 120 + Utf8Bound(Reply.Text) + Utf8Bound(Reply.From) + Utf8Bound(Reply.MessageId))
        + (Reactions is null ? 0 : Reactions.Sum(r => 32 + Utf8Bound(r.Emoji) + r.Users.Sum(u => 4 + Utf8Bound(u))));

    /// <summary>The same message with its text and file gone, as history shows it once deleted (a deleted reply quotes nothing).</summary>
    public MessageEvent AsDeleted(string by) => new(Id, Seq, Conversation, Room, From, To, "", Timestamp, null) { DeletedBy = by };

    /// <summary>The same message with its text edited at <paramref name="at"/> (and the mentions of the new text).</summary>
    public MessageEvent AsEdited(string text, DateTimeOffset at, IReadOnlyList<string>? mentions)
        => new(Id, Seq, Conversation, Room, From, To, text, Timestamp, File) { DeletedBy = DeletedBy, Mentions = mentions, EditedAt = at, Reply = Reply, Reactions = Reactions };

    /// <summary>The same message quoting <paramref name="reply"/> (every other property kept), e.g. after the original changed.</summary>
    public MessageEvent WithReply(Replies.ReplyQuote? reply)
    {
        var copy = CloneUnencoded<MessageEvent>();
        copy._reply = reply;
        return copy;
    }
}

/// <summary>A batch of stored messages of one conversation, in seq order (on join, on resume, or answering a request).</summary>
public sealed class HistoryEvent(string room, IReadOnlyList<MessageEvent> messages, string? requestId) : ChatEvent
{
    public string Room { get; } = room;
    public IReadOnlyList<MessageEvent> Messages { get; } = messages;
    public string? RequestId { get; } = requestId;

    /// <summary>An answer cut short by its size: more messages of the asked window follow on the next request.</summary>
    public bool More { get; init; }

    /// <summary>Where history now begins after retention cut it (docs/retention.md): below it only pinned messages remain.</summary>
    public long? FirstSeq { get; init; }

    /// <summary>
    /// Set on the frame that switches a connection to live delivery: the conversation's key and the seq the connection
    /// has everything up to from then on (a stream's resume position, even when the frame holds no message). Not on the wire.
    /// </summary>
    public string? Conversation { get; init; }

    /// <inheritdoc cref="Conversation"/>
    public long? UpTo { get; init; }

    public override int EstimatedBytes => 64 + Messages.Sum(m => m.EstimatedBytes);
}

/// <summary>A room's state as a connection enters it: topic, owner and who is present.</summary>
public sealed class RoomStateEvent(string room, string? topic, string? owner, IReadOnlyList<PresenceEntry> users) : ChatEvent
{
    public string Room { get; } = room;
    public string? Topic { get; } = topic;
    public string? Owner { get; } = owner;
    public IReadOnlyList<PresenceEntry> Users { get; } = users;

    /// <summary>Folded names of the room's moderators.</summary>
    public IReadOnlyList<string> Moderators { get; init; } = [];

    /// <summary>Whether only moderators may change the topic.</summary>
    public bool TopicLocked { get; init; }

    /// <summary>A private room (listed to its members only).</summary>
    public bool Private { get; init; }

    /// <summary>How long the room keeps its messages (docs/retention.md); null when not known.</summary>
    public Retention.RoomRetention? Retention { get; init; }

    private ReadCounts? _counts;

    /// <summary>The entering account's read state in the room (<c>read</c>, <c>unread</c>, <c>mentions</c>); null when not counted.</summary>
    public ReadCounts? Counts => _counts;

    /// <summary>The same state with the entering user's read counts: a copy, as the state may be shared.</summary>
    public RoomStateEvent WithCounts(ReadCounts counts)
    {
        var copy = CloneUnencoded<RoomStateEvent>();
        copy._counts = counts;
        return copy;
    }

    /// <summary>Users present in all; <see cref="Users"/> is the first page of them (earliest first).</summary>
    public int Count { get; init; }

    /// <summary>The <c>who</c> cursor of the page after <see cref="Users"/>; null when it holds everyone.</summary>
    public string? Next { get; init; }


    /// <summary>Ids of the room's pinned messages, newest pin first (docs/protocol.md, "Pins").</summary>
    public IReadOnlyList<string> Pinned { get; init; } = [];

    public override int EstimatedBytes => 96 + Utf8Bound(Topic) + (Users.Count * 80) + (Moderators.Count * 70) + (Counts is null ? 0 : 80) + (Pinned.Count * 40);
}

/// <summary>A room's topic changed.</summary>
public sealed class TopicEvent(string room, string? topic, string by, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string? Topic { get; } = topic;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>Whether only moderators may change the topic now.</summary>
    public bool? Locked { get; init; }

    public override int EstimatedBytes => 96 + Utf8Bound(Topic) + Utf8Bound(By);
}

/// <summary>A user entered a room.</summary>
public sealed class JoinedEvent(string room, string user, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string User { get; } = user;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>The user is a guest (no account).</summary>
    public bool Guest { get; init; }

    /// <summary>Why the user is away, when they are (another device of theirs set it before this join).</summary>
    public string? Away { get; init; }

    /// <summary>The user is a bot account.</summary>
    public bool Bot { get; init; }

    public override int EstimatedBytes => 96 + Utf8Bound(Room) + Utf8Bound(User) + Utf8Bound(Away);
}

/// <summary>A user left a room, and why.</summary>
public sealed class LeftEvent(string room, string user, LeaveReason reason, string? message, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string User { get; } = user;
    public LeaveReason Reason { get; } = reason;
    public string? Message { get; } = message;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>The moderator who removed the user (kicked, banned); null otherwise.</summary>
    public string? By { get; init; }

    /// <summary>The kick or ban removed the user from the whole server, not only from this room.</summary>
    public bool ServerWide { get; init; }

    public override int EstimatedBytes => 128 + Utf8Bound(Room) + Utf8Bound(User) + Utf8Bound(Message) + Utf8Bound(By);
}

/// <summary>
/// The first event a new session receives: who it is, its token (registered users), its rooms, and who is in the
/// lobby. <see cref="RoomStateEvent"/>s and history follow for each room.
/// </summary>
public sealed class WelcomeEvent(string user, bool registered, string? token, IReadOnlyList<string> rooms, IReadOnlyList<PresenceEntry> lobbyUsers, string? motd) : ChatEvent
{
    public string User { get; } = user;
    public bool Registered { get; } = registered;
    public string? Token { get; } = token;
    public IReadOnlyList<string> Rooms { get; } = rooms;
    public IReadOnlyList<PresenceEntry> LobbyUsers { get; } = lobbyUsers;
    public string? Motd { get; } = motd;

    /// <summary>The user is a server admin (clients show moderation commands).</summary>
    public bool Admin { get; init; }

    /// <summary>The read state of every conversation the login enters (rooms, recent private conversations).</summary>
    public IReadOnlyList<ReadCounts> Conversations { get; init; } = [];

    /// <summary>Users in the lobby in all; <see cref="LobbyUsers"/> is the first page of them.</summary>
    public int LobbyCount { get; init; }


    public override int EstimatedBytes => 256 + Utf8Bound(Motd) + (Rooms.Count * 70) + (LobbyUsers.Count * 80) + Conversations.Sum(c => 96 + Utf8Bound(c.Room));
}

/// <summary>The server is going away; sent to everyone before connections close.</summary>
public sealed class ShutdownEvent(string message) : ChatEvent
{
    public string Message { get; } = message;

    public override int EstimatedBytes => 64 + Utf8Bound(Message);
}

/// <summary>The connection's credentials were revoked (password change, logout of its token): sent just before it closes.</summary>
public sealed class SessionRevokedEvent(string message) : ChatEvent
{
    public string Message { get; } = message;

    public override int EstimatedBytes => 96 + Utf8Bound(Message);
}

/// <summary>
/// One user present in a room, since when, whether a guest (clients mark guests: they cannot share files), and their
/// away text while they are away.
/// </summary>
public readonly record struct PresenceEntry(string User, DateTimeOffset Since, bool Guest = false, string? Away = null, bool Bot = false);

/// <summary>A message was deleted: clients drop its text. <see cref="Seq"/> stays taken (no gap).</summary>
public sealed class DeletedEvent(string room, string messageId, long seq, string by, DateTimeOffset timestamp) : ChatEvent
{
    public string Room { get; } = room;
    public string MessageId { get; } = messageId;
    public long Seq { get; } = seq;
    public string By { get; } = by;
    public DateTimeOffset Timestamp { get; } = timestamp;

    public override int EstimatedBytes => 160 + Utf8Bound(Room) + Utf8Bound(By);
}

/// <summary>
/// A moderation action others should see: <c>kicked</c>/<c>banned</c> (told to the target), <c>muted</c>,
/// <c>unmuted</c> and <c>role</c> (told to the room). <see cref="Kind"/> is the wire type.
/// </summary>
public sealed class ModerationEvent(string kind, string? room, string user, string by, string? reason, DateTimeOffset? until, DateTimeOffset timestamp) : ChatEvent
{
    public const string Kicked = "kicked";
    public const string Banned = "banned";
    public const string Muted = "muted";
    public const string Unmuted = "unmuted";
    public const string RoleChanged = "role";

    public string Kind { get; } = kind;
    public string? Room { get; } = room;
    public string User { get; } = user;
    public string By { get; } = by;
    public string? Reason { get; } = reason;
    public DateTimeOffset? Until { get; } = until;
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>With <see cref="RoleChanged"/>: <c>moderator</c> or <c>member</c>; with a server ban of an address, the address.</summary>
    public string? Detail { get; init; }

    public override int EstimatedBytes => 192 + Utf8Bound(Room) + Utf8Bound(User) + Utf8Bound(By) + Utf8Bound(Reason) + Utf8Bound(Detail);
}

/// <summary>
/// One conversation's read state for one account: <see cref="Room"/> as clients see it (a room's name or a private
/// conversation's id), its newest <see cref="Seq"/>, the stored <see cref="Read"/> position (0 if none), the
/// <see cref="Unread"/> messages after it not sent by the account (deleted ones not counted) and those of them that
/// mention it (<see cref="Mentions"/>).
/// </summary>
public sealed record ReadCounts(string Room, long Seq, long Read, long Unread, long Mentions);

/// <summary>The account read a conversation up to <see cref="Seq"/> on another connection (its other connections hear it).</summary>
public sealed class ReadEvent(string room, long seq) : ChatEvent
{
    public string Room { get; } = room;
    public long Seq { get; } = seq;

    public override int EstimatedBytes => 64 + Utf8Bound(Room);
}
