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
    string? ClientId)
{
    /// <summary>Who deleted the message (its text is then empty); null while it stands.</summary>
    public string? DeletedBy { get; init; }
}

/// <summary>A registered account. <see cref="Key"/> is the folded name used for uniqueness.</summary>
public sealed record AccountRecord(string Key, string Name, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>A room as stored. <see cref="Owner"/> is an account key, or null (lobby, or a guest's room).</summary>
public sealed record RoomRecord(string Key, string Name, string? Topic, string? Owner, DateTimeOffset CreatedAt);

/// <summary>A room with its stored member count, for listings.</summary>
public sealed record RoomSummary(RoomRecord Room, int Members);
