namespace Piazza.Core.Storage;

/// <summary>
/// A message as stored. <see cref="Conversation"/> is the conversation key: a room key (folded room name, e.g.
/// <c>lobby</c>) or a private conversation id (<c>@alice,bob</c>: the two folded user names, ordinal order).
/// </summary>
public sealed record StoredMessage(
    string Conversation,
    long Seq,
    string MessageId,
    string From,
    string? FromAccount,
    string? To,
    string Text,
    DateTimeOffset Timestamp,
    string? ClientId,
    FileAttachment? File = null)
{
    /// <summary>Who deleted the message (its text and file are then gone); null while it stands.</summary>
    public string? DeletedBy { get; init; }

    /// <summary>The identity keys the message mentions (<c>@room</c>: every member); null when none.</summary>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <summary>When the text was last edited; null if never (the earlier texts are in <see cref="IEditStore"/>).</summary>
    public DateTimeOffset? EditedAt { get; init; }
    /// <summary>The id of the message this one replies to (stored as <c>reply_to</c>); null for a plain message.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>
    /// The quote of <see cref="ReplyTo"/>, built when read from the original's current text (deleted: no text); null
    /// when not a reply, or when the original is gone from the store.
    /// </summary>
    public Replies.ReplyQuote? Reply { get; init; }
    /// <summary>The message's reactions, first reacted first (docs/protocol.md, "Reactions"); null when none.</summary>
    public IReadOnlyList<Reactions.ReactionSummary>? Reactions { get; init; }

    /// <summary>The sender was a bot account when it sent the message (stored as <c>sender_bot</c>).</summary>
    public bool Bot { get; init; }

    /// <summary>A message accepted for sending, as it is appended: with its seq (or 0 when the store assigns it).</summary>
    public static StoredMessage Of(MessageEvent message, string? fromAccount, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new StoredMessage(message.Conversation, message.Seq, message.Id, message.From, fromAccount, message.To, message.Text, message.Timestamp, clientId, message.File)
        {
            Mentions = message.Mentions,
            EditedAt = message.EditedAt,
            ReplyTo = message.Reply?.MessageId,
            Reply = message.Reply,
            Reactions = message.Reactions,
            Bot = message.Bot,
        };
    }
}


/// <summary>A registered account. <see cref="Key"/> is the folded name used for uniqueness.</summary>
public sealed record AccountRecord(string Key, string Name, string PasswordHash, DateTimeOffset CreatedAt)
{
    /// <summary>A bot account (docs/protocol.md, "Tokens, sessions and bots"): marked in `who` and on its messages.</summary>
    public bool Bot { get; init; }

    /// <summary>Disabled by a server admin: no login and no token of it works (<c>account_disabled</c>) until enabled.</summary>
    public bool Disabled { get; init; }
}

/// <summary>
/// A room as stored. <see cref="Owner"/> is an account key, or null (lobby, or a guest's room). A room a guest created
/// (<see cref="CreatedByGuest"/>) lasts while someone is in it: it is deleted once empty, and at start.
/// </summary>
public sealed record RoomRecord(string Key, string Name, string? Topic, string? Owner, DateTimeOffset CreatedAt, bool CreatedByGuest = false)
{
    /// <summary>A private room: listed to its members only, joined by invitation (<see cref="IInvitationStore"/>).</summary>
    public bool Private { get; init; }
}

/// <summary>A room with its stored member count, for listings.</summary>
public sealed record RoomSummary(RoomRecord Room, int Members);

/// <summary>
/// A tus upload: its owner (account key), declared length, sanitised name, client-declared type and expected SHA-256
/// (lower-case hex). <see cref="FileId"/> is set once it has completed. The bytes received so far are the blob store's.
/// </summary>
public sealed record UploadRecord(string Id, string Owner, long Length, string Name, string? DeclaredType, string Sha256, DateTimeOffset CreatedAt, string? FileId = null);

/// <summary>A stored file: who uploaded it (account key), its sanitised name, size, MIME type and content hash.</summary>
public sealed record FileRecord(string Id, string Owner, string Name, long Size, string Mime, string Sha256, DateTimeOffset CreatedAt)
{
    public FileAttachment ToAttachment() => new(Id, Name, Size, Mime, Sha256);
}

/// <summary>What a store holds: messages of every conversation, rooms, private conversations, accounts and shared files.</summary>
public sealed record StoreCounts(long Messages, long Rooms, long PrivateConversations, long Accounts, long Files);
