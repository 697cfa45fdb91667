namespace Piazza.Protocol;

/// <summary>Fixed facts of protocol v1 shared by servers and clients.</summary>
public static class ProtocolConstants
{
    /// <summary>The protocol version this assembly speaks.</summary>
    public const int Version = 1;

    /// <summary>The native TCP door's default port.</summary>
    public const int DefaultPort = 7070;

    /// <summary>The native door's default port over TLS.</summary>
    public const int DefaultTlsPort = 7443;

    /// <summary>Default maximum line length in bytes (64 KiB), excluding the line terminator.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>
    /// Maximum JSON nesting depth. Frames are flat objects with at most one level of nesting
    /// (e.g. <c>resume</c>), so 16 leaves room for extensions while refusing stack-eating input.
    /// </summary>
    public const int MaxJsonDepth = 16;

    /// <summary>The room everybody is in.</summary>
    public const string Lobby = "lobby";
}

/// <summary>The <c>type</c> values of protocol v1 frames.</summary>
public static class FrameTypes
{
    public const string Hello = "hello";
    public const string Send = "send";
    public const string Who = "who";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Bye = "bye";
    public const string Welcome = "welcome";
    public const string Message = "message";
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Shutdown = "shutdown";
    public const string Register = "register";
    public const string Password = "password";
    public const string Logout = "logout";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string Rooms = "rooms";
    public const string Topic = "topic";
    public const string History = "history";
    public const string Room = "room";

    // Moderation (docs/protocol.md, "Moderation"): requests...
    public const string Kick = "kick";
    public const string Ban = "ban";
    public const string Unban = "unban";
    public const string Mute = "mute";
    public const string Unmute = "unmute";
    public const string Op = "op";
    public const string Deop = "deop";
    public const string Delete = "delete";

    // ...and the events they cause.
    public const string Deleted = "deleted";
    public const string Kicked = "kicked";
    public const string Banned = "banned";
    public const string Muted = "muted";
    public const string Unmuted = "unmuted";
    public const string Role = "role";
}

/// <summary>The <c>code</c> values of <c>error</c> frames; docs/protocol.md explains each.</summary>
public static class ErrorCodes
{
    public const string BadFrame = "bad_frame";
    public const string TooLarge = "too_large";
    public const string BadRequest = "bad_request";
    public const string UnknownType = "unknown_type";
    public const string NotWelcomed = "not_welcomed";
    public const string AlreadyWelcomed = "already_welcomed";
    public const string BadName = "bad_name";
    public const string NameTaken = "name_taken";
    public const string ProtocolVersion = "protocol_version";
    public const string NoSuchRoom = "no_such_room";
    public const string HelloTimeout = "hello_timeout";
    public const string ServerError = "server_error";
    public const string NameReserved = "name_reserved";
    public const string AuthFailed = "auth_failed";
    public const string AuthRequired = "auth_required";
    public const string RateLimited = "rate_limited";
    public const string NotInRoom = "not_in_room";
    public const string NoSuchUser = "no_such_user";
    public const string Forbidden = "forbidden";

    /// <summary>A <c>send</c> names a file that does not exist (or was deleted).</summary>
    public const string NoSuchFile = "no_such_file";
    /// <summary>A join beyond the rooms-per-user limit.</summary>
    public const string TooManyRooms = "too_many_rooms";

    /// <summary>Sent just before the server closes a connection that kept sending after <c>rate_limited</c>.</summary>
    public const string Flooding = "flooding";

    /// <summary>Sent (native door) just before closing a connection over the per-address connection limits.</summary>
    public const string TooManyConnections = "too_many_connections";
    public const string Banned = "banned";
    public const string Muted = "muted";
    public const string NoSuchMessage = "no_such_message";
    public const string NotBanned = "not_banned";

    /// <summary>A new name (user or room) looks like one that is taken (same skeleton, docs/security.md).</summary>
    public const string NameConfusable = "name_confusable";

    /// <summary>Message text or a topic holds characters that are refused (controls other than newline and tab).</summary>
    public const string BadText = "bad_text";
}

/// <summary>The <c>reason</c> values of <c>left</c> frames.</summary>
public static class LeaveReasons
{
    public const string Quit = "quit";
    public const string Lost = "lost";
    public const string Timeout = "timeout";
    public const string Kicked = "kicked";
    public const string Shutdown = "shutdown";
    public const string SlowConsumer = "slow_consumer";

    /// <summary>Disconnected for flooding (kept sending after <c>rate_limited</c>).</summary>
    public const string Flooding = "flooding";
    /// <summary>A moderator banned the user (from the room, or from the server).</summary>
    public const string Banned = "banned";

    /// <summary>The user left the room on purpose (<c>leave</c>).</summary>
    public const string Left = "left";
}
