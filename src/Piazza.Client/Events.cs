using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Something the server pushed, or a change of the connection, read from <see cref="PiazzaClient.Events"/>.
/// Switch on the record type; timestamps (<c>At</c>) are the server's, null when it sent none.
/// </summary>
public abstract record PiazzaEvent;

/// <summary>The server admitted us: after <see cref="PiazzaClient.ConnectAsync"/> and again after every reconnect.</summary>
public sealed record Welcomed(Welcome Welcome, bool Reconnected) : PiazzaEvent;

/// <summary>The connection changed state; <see cref="Detail"/> says why in words (e.g. why it was lost).</summary>
public sealed record ConnectionStateChanged(ConnectionState State, string? Detail) : PiazzaEvent
{
    /// <summary>With <see cref="ConnectionState.Connected"/>: the server connected to (also <see cref="PiazzaClient.ConnectedServer"/>); else null.</summary>
    public ServerEndpoint? Server { get; init; }

    /// <summary>
    /// With <see cref="ConnectionState.Reconnecting"/>: when the next attempt starts, on <see cref="PiazzaClientOptions.TimeProvider"/>'s
    /// clock (for a countdown; <see cref="PiazzaClient.ReconnectNow"/> starts it at once). A new change follows every failed attempt.
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>
/// This connection entered a room (at login, on join, or on another device's join): the room's state. Its recent
/// messages follow as <see cref="MessageReceived"/> with <see cref="MessageReceived.Replayed"/> set.
/// </summary>
/// <param name="Moderators">Folded names of the room's moderators.</param>
/// <param name="Locked">Only moderators may change the topic.</param>
/// <param name="Members">The first page of the users present, earliest first (all of them in a room of up to 100).</param>
public sealed record RoomEntered(string Room, string? Topic, string? Owner, IReadOnlyList<Member> Members, IReadOnlyList<string> Moderators, bool Locked) : PiazzaEvent
{
    /// <summary>Users present in all (<see cref="Members"/> may be only the first page).</summary>
    public int Count { get; init; }

    /// <summary>The cursor of the next page of users for <see cref="PiazzaClient.WhoPageAsync"/>; null when <see cref="Members"/> is everyone.</summary>
    public string? Next { get; init; }

    /// <summary>A private room: listed only to its members, joined by invitation.</summary>
    public bool Private { get; init; }

    /// <summary>Our read state in the room (with a join's or a login's room state); null when the server sent none.</summary>
    public ConversationReadState? ReadState { get; init; }

    /// <summary>Ids of the room's pinned messages, newest pin first (docs/protocol.md, "Pins").</summary>
    public IReadOnlyList<string> Pinned { get; init; } = [];

    /// <summary>How long the room keeps its messages; null from a server that does not say (<see cref="RetentionChanged"/> follows changes).</summary>
    public RoomRetention? Retention { get; init; }
}

/// <summary>This account was invited to a private room by <paramref name="By"/>: <see cref="PiazzaClient.JoinAsync"/> it to accept (once).</summary>
public sealed record Invited(string Room, string By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A room this connection is in became private (<paramref name="Private"/>) or public.</summary>
public sealed record RoomPrivacyChanged(string Room, bool Private, string? By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A private conversation was entered (at login: recent ones; or by a first message); its messages follow.</summary>
public sealed record PrivateConversationEntered(string Conversation) : PiazzaEvent;

/// <summary>
/// A message. <see cref="Replayed"/> is true for stored messages the server sent on entering a conversation or on
/// resuming after a reconnect (those missed while disconnected arrive this way, in order, nothing repeated).
/// </summary>
public sealed record MessageReceived(ChatMessage Message, bool Replayed) : PiazzaEvent;

/// <summary>Someone else joined a room we are in.</summary>
public sealed record MemberJoined(string Room, string User, DateTimeOffset? At) : PiazzaEvent;

/// <summary>
/// Someone left a room we are in (or we did, on another device: <see cref="LeaveReason.Left"/>). With
/// <see cref="LeaveReason.Kicked"/> and <see cref="LeaveReason.Banned"/>, <see cref="By"/> is the moderator and
/// <see cref="Message"/> their reason. <see cref="Reason"/> is null for a reason this library does not know.
/// <see cref="ServerWide"/> is true when the kick or ban removed the user from the whole server, not only this room.
/// </summary>
public sealed record MemberLeft(string Room, string User, LeaveReason? Reason, string? By, string? Message, DateTimeOffset? At, bool ServerWide = false) : PiazzaEvent;

/// <summary>
/// Several users joined or left a room at once: the server coalesces a busy room's joins and leaves into one frame
/// per interval (a quiet room's single change still comes as <see cref="MemberJoined"/> or <see cref="MemberLeft"/>).
/// One event per frame, so a join storm never crowds messages out of the bounded event queue. Apply
/// <see cref="Left"/> first, then <see cref="Joined"/>; either may name someone already known (apply them as set
/// changes). Kicks and bans never come this way. <see cref="Joined"/> may include ourselves.
/// </summary>
public sealed record MembersChanged(string Room, IReadOnlyList<Member> Joined, IReadOnlyList<MemberLeft> Left, DateTimeOffset? At) : PiazzaEvent
{
    /// <summary>Users present after these changes; null from a server that does not say.</summary>
    public int? Count { get; init; }

    /// <summary>How many joined in all: more than <see cref="Joined"/> names when the server cut the list (it names at most 50).</summary>
    public int JoinedTotal { get; init; }

    /// <summary>How many left in all (see <see cref="JoinedTotal"/>): when more than <see cref="Left"/>, some you list may be gone (reload with <see cref="PiazzaClient.WhoAsync"/>).</summary>
    public int LeftTotal { get; init; }
}

/// <summary>A room's topic changed (empty or null: cleared); <see cref="Locked"/> is set when the lock changed too.</summary>
public sealed record TopicChanged(string Room, string? Topic, string? By, bool? Locked, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A message was deleted: drop its text; its seq stays taken.</summary>
public sealed record MessageDeleted(string Conversation, long Seq, string MessageId, string? By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>
/// An admin (or the operator) disconnected us from the server; the connection closes next and is not re-opened (the
/// client's state becomes <see cref="ConnectionState.Disconnected"/> with "kicked from the server by … : …" as its detail).
/// A kick from one room is a <see cref="MemberLeft"/> about ourselves instead, and the connection goes on.
/// </summary>
public sealed record KickedFromServer(string? By, string? Reason, DateTimeOffset? At) : PiazzaEvent;

/// <summary>
/// We were banned from <see cref="Room"/>, or from the server when it is null (the connection then closes and is not
/// re-opened; the state's detail says "banned from the server by …").
/// </summary>
/// <param name="Until">When the ban ends; null until lifted.</param>
public sealed record BannedByModerator(string? Room, string? By, string? Reason, DateTimeOffset? Until, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A user of a room was muted (<see cref="Muted"/>) or unmuted.</summary>
public sealed record MuteChanged(string Room, string User, bool Muted, string? By, string? Reason, DateTimeOffset? Until, DateTimeOffset? At) : PiazzaEvent;

/// <summary>A user became (<see cref="Moderator"/>) or stopped being a moderator of a room.</summary>
public sealed record RoleChanged(string Room, string User, bool Moderator, string? By, DateTimeOffset? At) : PiazzaEvent;

/// <summary>The server is stopping; the connection closes right after (and the client reconnects, if it may).</summary>
public sealed record ServerShuttingDown(string? Message) : PiazzaEvent;

/// <summary>An error the server sent that answers no waiting request (e.g. <see cref="ErrorCode.Flooding"/> before it closes).</summary>
public sealed record ServerError(ErrorCode? Code, string? WireCode, string Message) : PiazzaEvent;

/// <summary>
/// A user in one of our rooms or private conversations (or we, from another device) went away (<see cref="Text"/>:
/// why) or came back (<see cref="Text"/> null).
/// </summary>
public sealed record UserAway(string User, string? Text, DateTimeOffset? At) : PiazzaEvent;

/// <summary>
/// <see cref="User"/> is typing in <see cref="Conversation"/> (a room, or a private conversation's id). The server
/// repeats it at most every 3 s while they type: show it for a few seconds, and drop it when their message arrives.
/// </summary>
public sealed record UserTyping(string Conversation, string User) : PiazzaEvent;
