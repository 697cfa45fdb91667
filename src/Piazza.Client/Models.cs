namespace Piazza.Client;

/// <summary>Who the server says we are, from its <c>welcome</c>: the answer to <see cref="PiazzaClient.ConnectAsync"/>.</summary>
/// <param name="User">Our name as the server spells it.</param>
/// <param name="Rooms">The rooms this account is in (a guest: the lobby).</param>
/// <param name="Online">The lobby's members, in joining order, ourselves included.</param>
/// <param name="Motd">The server's message of the day, if any.</param>
public sealed record Welcome(string User, IReadOnlyList<string> Rooms, IReadOnlyList<Member> Online, string? Motd)
{
    /// <summary>The user is a server admin (may kick and ban server-wide).</summary>
    public bool Admin { get; init; }

    /// <summary>The session is an account's (it has a token and may share files); false for a guest.</summary>
    public bool Registered { get; init; }

    /// <summary>The server's name and version, e.g. <c>piazza/0.1.0</c>.</summary>
    public string? Server { get; init; }

    /// <summary>The port of the server's HTTP door (file transfers) on the same host; null when it is off.</summary>
    public int? HttpPort { get; init; }

    /// <summary>The port of the server's HTTPS door on the same host; null when it is off.</summary>
    public int? HttpsPort { get; init; }

    /// <summary>The read state (unread and mention counts) of every room and recent private conversation this login entered.</summary>
    public IReadOnlyList<ConversationReadState> Conversations { get; init; } = [];

    /// <summary>Users in the lobby in all: <see cref="Online"/> is only the first page of them in a big lobby.</summary>
    public int OnlineCount { get; init; }
}

/// <summary>A user present in a room (or online, in <see cref="Welcome.Online"/>), and since when.</summary>
public sealed record Member(string Name, DateTimeOffset? Since)
{
    /// <summary>Why the user is away (<see cref="PiazzaClient.SetAwayAsync"/>); null when they are not.</summary>
    public string? Away { get; init; }

    /// <summary>A bot account (docs/protocol.md, "Tokens, sessions and bots").</summary>
    public bool Bot { get; init; }
}

/// <summary>
/// One page of a room's users, earliest first (<see cref="PiazzaClient.WhoPageAsync"/>); <see cref="Count"/> present in
/// all; pass <see cref="Next"/> for the following page (null: this was the last).
/// </summary>
public sealed record MemberPage(string Room, IReadOnlyList<Member> Members, int Count, string? Next);

/// <summary>One room of a <see cref="PiazzaClient.RoomsPageAsync"/> listing.</summary>
/// <param name="Members">Users present now.</param>
/// <param name="Joined">Whether this account is a member.</param>
public sealed record RoomSummary(string Name, string? Topic, int Members, bool Joined)
{
    /// <summary>A private room (listed only to its members).</summary>
    public bool Private { get; init; }
}

/// <summary>One page of the room list; pass <see cref="Next"/> to <see cref="PiazzaClient.RoomsPageAsync"/> for the following page (null: this was the last).</summary>
public sealed record RoomListPage(IReadOnlyList<RoomSummary> Rooms, string? Next);

/// <summary>
/// A stored message of a room or private conversation, live or from history. <see cref="Conversation"/> is the room
/// name or the private conversation's id (<c>@alice,bob</c>); <see cref="Seq"/> numbers it there (1, 2, 3, … no gaps).
/// </summary>
/// <param name="Id">The server's message id (what <see cref="PiazzaClient.DeleteMessageAsync"/> takes).</param>
/// <param name="To">The recipient of a private message; null in rooms.</param>
/// <param name="Text">The text; empty for a deleted message or a file shared without text.</param>
/// <param name="At">When the server stored it.</param>
public sealed record ChatMessage(string Conversation, long Seq, string Id, string From, string? To, string Text, DateTimeOffset? At)
{
    /// <summary>The file the message shares, or null.</summary>
    public SharedFile? File { get; init; }

    /// <summary>The message was deleted: its text is gone, its seq stays taken.</summary>
    public bool Deleted { get; init; }

    /// <summary>The sender is a bot account.</summary>
    public bool Bot { get; init; }

    /// <summary>In a group conversation: the participants other than the sender (names, in the id's order); null otherwise (<see cref="To"/> is then null too).</summary>
    public IReadOnlyList<string>? Group { get; init; }

    /// <summary>The identity keys the message mentions (folded names; <c>@room</c>: every member of the room); empty when none.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>When the text was last edited (it is the edited text); null if never.</summary>
    public DateTimeOffset? EditedAt { get; init; }
    /// <summary>The message this one replies to, as quoted now (<see cref="MessageQuote"/>); null for a plain message.</summary>
    public MessageQuote? Reply { get; init; }
    /// <summary>The message's reactions, first used first, users in reaction order; empty when none.</summary>
    public IReadOnlyList<MessageReaction> Reactions { get; init; } = [];

    /// <summary>Whether the message mentions the user with this identity key (by name or <c>@room</c>).</summary>
    public bool Mentioned(string key) => Mentions.Contains(key, StringComparer.Ordinal) || Mentions.Contains("@room", StringComparer.Ordinal);

    /// <summary>Whether the message is private (a conversation of two or a group, not a room).</summary>
    public bool IsPrivate => Conversation.StartsWith('@');

    /// <summary>Whether the message is in a group conversation (three or more participants).</summary>
    public bool IsGroup => Group is not null;
}

/// <summary>One emoji on a message and who reacted with it (user names, in reaction order).</summary>
public sealed record MessageReaction(string Emoji, IReadOnlyList<string> Users);

/// <summary>A file shared in a message: its id (what a download takes), name, size in bytes, MIME type and SHA-256 (hex).</summary>
public sealed record SharedFile(string Id, string? Name, long Size, string? Mime, string? Sha256);

/// <summary>The server's acknowledgement of a send: the message is durable and numbered.</summary>
/// <param name="Conversation">The room, or the private conversation's id (<c>@alice,bob</c>).</param>
/// <param name="Duplicate">The id was seen before: this is the original's acknowledgement, nothing was stored twice.</param>
public sealed record SentMessage(string Conversation, long Seq, string MessageId, bool Duplicate);
