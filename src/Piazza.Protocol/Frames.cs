using System.Text.Json.Serialization;

namespace Piazza.Protocol;

/// <summary>
/// Any frame a client sends, as it appears on the wire. Every field is optional at this level;
/// the server validates the fields each <see cref="Type"/> needs. Unknown fields are ignored.
/// </summary>
public sealed class ClientFrame
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? User { get; set; }
    public int? Protocol { get; set; }
    public string? Client { get; set; }
    public string? Room { get; set; }
    public string? Text { get; set; }
    public string? Password { get; set; }
    public string? NewPassword { get; set; }
    public string? Token { get; set; }
    public Dictionary<string, long>? Resume { get; set; }

    /// <summary>With <c>send</c>: a user name (two-person) or a list of 2 to 9 names (a group conversation).</summary>
    public Recipients? To { get; set; }
    public string? With { get; set; }
    public long? Before { get; set; }
    public long? After { get; set; }
    public int? Limit { get; set; }

    /// <summary>With <c>rooms</c>: list the rooms after this one (the <c>next</c> of the previous page).</summary>
    public string? Cursor { get; set; }
    public string? Topic { get; set; }

    /// <summary>A file to share with a <c>send</c> (only <c>id</c> is read); <c>text</c> may then be empty or absent.</summary>
    public SharedFileInfo? File { get; set; }
    // Moderation requests.
    public string? Reason { get; set; }
    public string? Msg { get; set; }
    public string? Address { get; set; }

    /// <summary>Ban or mute length in seconds (or <see cref="Until"/>, an ISO 8601 time).</summary>
    public double? Duration { get; set; }
    public string? Until { get; set; }

    /// <summary>With <c>topic</c>: true locks the topic to moderators, false unlocks it.</summary>
    public bool? Lock { get; set; }

    /// <summary>With <c>join</c> of a room that does not exist: create it private; with <c>room_set</c>: switch it.</summary>
    public bool? Private { get; set; }

    /// <summary>With <c>room_set</c>: the room's own retention in days (0 for good; -1 the server's; docs/retention.md).</summary>
    public int? RetentionDays { get; set; }

    /// <summary>With <c>read</c>: the seq of the newest message the user has seen in <see cref="Room"/>.</summary>
    public long? Seq { get; set; }

    /// <summary>With <c>send</c>: the id of the message (same conversation) this one replies to.</summary>
    public string? Reply { get; set; }
    /// <summary>With <c>react</c> and <c>unreact</c>: one emoji or a <c>:shortcode:</c>.</summary>
    public string? Emoji { get; set; }
    /// <summary>With <c>search</c>: the query (docs/protocol.md, "Search").</summary>
    public string? Q { get; set; }

    // Tokens, sessions and bots (docs/protocol.md): a token's name, scopes and lifetime in days; a session's id or
    // all others; register as a bot.
    public string? Name { get; set; }
    public List<string>? Scopes { get; set; }
    public int? Days { get; set; }
    public string? Session { get; set; }
    public bool? Others { get; set; }
    public bool? Bot { get; set; }
}

/// <summary>
/// Any frame a server sends, as it appears on the wire. Null fields are omitted when written.
/// </summary>
public sealed class ServerFrame
{
    public string? Type { get; set; }
    public string? Re { get; set; }
    public string? Id { get; set; }
    public long? Seq { get; set; }
    public string? Room { get; set; }
    public string? From { get; set; }
    public string? User { get; set; }
    public string? Text { get; set; }
    public string? Ts { get; set; }
    public string? Reason { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? Server { get; set; }
    public int? Protocol { get; set; }
    public string? Msg { get; set; }
    public string? Motd { get; set; }
    public IReadOnlyList<UserInfo>? Users { get; set; }

    /// <summary>In a private <c>message</c>: the recipient's name, or in a group conversation the list of the participants other than the sender.</summary>
    public Recipients? To { get; set; }
    public string? Token { get; set; }
    public bool? Registered { get; set; }
    public string? Topic { get; set; }
    public string? Owner { get; set; }
    public string? By { get; set; }
    public bool? Duplicate { get; set; }

    /// <summary>In <c>joined</c>: true when the user is a guest (no account); absent otherwise.</summary>
    public bool? Guest { get; set; }

    /// <summary>On a <c>message</c> (and <c>joined</c>): true when the sender is a bot account; absent otherwise.</summary>
    public bool? Bot { get; set; }

    /// <summary>Answers of <c>tokens</c> and <c>token_create</c> (TokenFrames.cs).</summary>
    public IReadOnlyList<TokenInfo>? Tokens { get; set; }

    /// <summary>The answer of <c>sessions</c>.</summary>
    public IReadOnlyList<SessionListing>? Sessions { get; set; }

    /// <summary>In <c>joined</c>: the user's away text when they join while away; absent otherwise.</summary>
    public string? Away { get; set; }

    /// <summary>In <c>left</c>: <see cref="LeaveScopes.Server"/> when the kick or ban was from the whole server; absent for a room.</summary>
    public string? Scope { get; set; }

    /// <summary>Seconds to wait before retrying (with <c>rate_limited</c>).</summary>
    public double? RetryAfter { get; set; }

    public IReadOnlyList<RoomInfo>? Rooms { get; set; }

    /// <summary>In the answer to <c>rooms</c> and <c>who</c>, and in <c>room</c>: the <c>cursor</c> of the next page; absent on the last page.</summary>
    public string? Next { get; set; }

    /// <summary>In <c>welcome</c>, <c>room</c> and the answer to <c>who</c>: users present in all (<c>users</c> is one page of them).</summary>
    public int? Count { get; set; }

    /// <summary>In <c>presence</c>: users who joined the room, and users who left it (apply <c>left</c> first).</summary>
    public IReadOnlyList<UserInfo>? Joined { get; set; }
    public IReadOnlyList<DepartureInfo>? Left { get; set; }

    /// <summary>In <c>presence</c>, only when its list was cut (it names at most 50): how many joined, and left, in all.</summary>
    public int? JoinedTotal { get; set; }
    public int? LeftTotal { get; set; }
    public IReadOnlyList<ServerFrame>? Messages { get; set; }

    /// <summary>In a <c>history</c> answer cut short by its size: more of the asked window follows on the next request.</summary>
    public bool? More { get; set; }

    /// <summary>In <c>history</c>: where history begins after a retention cut; below it only pinned messages remain.</summary>
    public long? FirstSeq { get; set; }

    /// <summary>In <c>room_set</c>'s <c>ok</c>, <c>room</c> and <c>retention</c>: the days the room keeps messages (0 for good), and whether that is the room's own setting or the server's.</summary>
    public int? RetentionDays { get; set; }

    /// <inheritdoc cref="RetentionDays"/>
    public string? RetentionSource { get; set; }

    // Moderation.
    public bool? Locked { get; set; }
    public IReadOnlyList<string>? Moderators { get; set; }
    public string? Until { get; set; }
    public string? Role { get; set; }
    public bool? Deleted { get; set; }
    public string? Address { get; set; }

    /// <summary>In <c>welcome</c>: the user is a server admin.</summary>
    public bool? Admin { get; set; }
    /// <summary>The file a <c>message</c> carries.</summary>
    public SharedFileInfo? File { get; set; }

    /// <summary>In <c>welcome</c>: the port of the HTTP door (uploads, downloads) on the same host; absent when it is off.</summary>
    public int? HttpPort { get; set; }

    /// <summary>In <c>welcome</c>: the port of the HTTPS door on the same host; absent when it is off. TLS clients transfer files there only.</summary>
    public int? HttpsPort { get; set; }

    /// <summary>In <c>room</c>, <c>room_set</c> and their <c>ok</c>: true for a private room (absent or false otherwise).</summary>
    public bool? Private { get; set; }

    /// <summary>
    /// In a <c>message</c>: the keys it mentions (<see cref="MentionsField.Keys"/>; <c>@room</c> for everyone). In a
    /// <c>room</c> frame: how many messages after <see cref="Read"/> mention the user (<see cref="MentionsField.Count"/>).
    /// </summary>
    public MentionsField? Mentions { get; set; }

    /// <summary>In a <c>room</c> frame: the account's stored read position in the room (0 if none).</summary>
    public long? Read { get; set; }

    /// <summary>In a <c>room</c> frame: messages after <see cref="Read"/> not sent by the user (deleted ones not counted).</summary>
    public long? Unread { get; set; }

    /// <summary>In <c>welcome</c>: the read state of every conversation the login enters.</summary>
    public IReadOnlyList<ConversationInfo>? Conversations { get; set; }

    /// <summary>In a <c>message</c> (live, history, REST) and <c>edited</c>: when the text was last edited; absent if never.</summary>
    public string? EditedAt { get; set; }

    /// <summary>In the answer to <c>versions</c>: every text the message had, oldest first, the current one last.</summary>
    public IReadOnlyList<MessageVersionInfo>? Versions { get; set; }
    /// <summary>In a <c>message</c> that replies: the quoted original (<see cref="ReplyQuoteInfo"/>).</summary>
    public ReplyQuoteInfo? Reply { get; set; }
    /// <summary>In <c>reaction</c> and the <c>ok</c> of <c>react</c>/<c>unreact</c>: the emoji as stored.</summary>
    public string? Emoji { get; set; }

    /// <summary>In <c>reaction</c>: true when added, false when removed.</summary>
    public bool? On { get; set; }

    /// <summary>In a <c>message</c>: its reactions, first reacted first; absent when none.</summary>
    public IReadOnlyList<ReactionInfo>? Reactions { get; set; }
    /// <summary>In a <c>room</c> frame: ids of the room's pinned messages, newest pin first.</summary>
    public IReadOnlyList<string>? Pinned { get; set; }

    /// <summary>In the answer to <c>pins</c>: the pinned messages (each a <c>message</c> with <see cref="PinnedBy"/> and <see cref="PinnedAt"/>).</summary>
    public IReadOnlyList<ServerFrame>? Pins { get; set; }

    /// <summary>In an item of <see cref="Pins"/>: who pinned the message, and when.</summary>
    public string? PinnedBy { get; set; }
    public string? PinnedAt { get; set; }

    /// <summary>In an item of <see cref="Pins"/>: true when its text was cut to a preview (its first 500 characters).</summary>
    public bool? Truncated { get; set; }
    /// <summary>In the answer to <c>search</c>: the matching messages, newest first, each with its <see cref="Snippet"/>.</summary>
    public IReadOnlyList<ServerFrame>? Results { get; set; }

    /// <summary>In a search result: the text around the first match, matches between U+0002 and U+0003 (docs/protocol.md, "Search").</summary>
    public string? Snippet { get; set; }
}

/// <summary>
/// A file in a message: <c>id</c> (what <c>GET /api/files/{id}</c> takes), the sanitised <c>name</c>, <c>size</c> in
/// bytes, <c>mime</c> type and <c>sha256</c> (lower-case hex). A <c>send</c> sets only <c>id</c>.
/// </summary>
public sealed class SharedFileInfo
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public long? Size { get; set; }
    public string? Mime { get; set; }
    public string? Sha256 { get; set; }
}

/// <summary>One room in a listing (<c>rooms</c>) or in <c>welcome</c> (name only).</summary>
public sealed class RoomInfo
{
    public string Room { get; set; } = "";
    public string? Topic { get; set; }
    public int? Members { get; set; }
    public bool? Joined { get; set; }

    /// <summary>True for a private room (listed only to its members); absent otherwise.</summary>
    public bool? Private { get; set; }
}

/// <summary>One entry of a user list (<c>welcome</c>, <c>who</c>).</summary>
public sealed class UserInfo
{
    public string User { get; set; } = "";
    public string Since { get; set; } = "";

    /// <summary>True for a guest (no account); absent for an account.</summary>
    public bool? Guest { get; set; }

    /// <summary>The user's away text while away (<c>away</c>); absent when not away.</summary>
    public string? Away { get; set; }

    /// <summary>True for a bot account; absent otherwise.</summary>
    public bool? Bot { get; set; }
}

/// <summary>One departure in a <c>presence</c> frame's <c>left</c>: who, why (<c>quit</c>, <c>lost</c>, ...) and their quit message.</summary>
public sealed class DepartureInfo
{
    public string User { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ServerFrame))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
