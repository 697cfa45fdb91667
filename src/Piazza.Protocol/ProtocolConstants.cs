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

    /// <summary>Read state (docs/protocol.md, "Read state"): the client's request and the account's other connections' news.</summary>
    public const string Read = "read";

    /// <summary>Several joins and leaves of one room, coalesced (docs/protocol.md, "Presence").</summary>
    public const string Presence = "presence";

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

    // Away and typing (docs/protocol.md, "Away and typing"): the same word asks and tells.
    public const string Away = "away";
    public const string Typing = "typing";
    // Private rooms and invitations (docs/protocol.md): room_set is a request and, to the room, the change it made.
    public const string RoomSet = "room_set";
    public const string Invite = "invite";
    public const string Uninvite = "uninvite";
    public const string Invited = "invited";

    // Edit (docs/protocol.md, "Edit"): the request, the event the conversation hears, and the moderators' request.
    public const string Edit = "edit";
    public const string Edited = "edited";
    public const string Versions = "versions";
    // Reactions (docs/protocol.md, "Reactions"): requests, and what the conversation hears.
    public const string React = "react";
    public const string Unreact = "unreact";
    public const string Reaction = "reaction";
    // Pins (docs/protocol.md, "Pins"): requests, and what the conversation hears.
    public const string Pin = "pin";
    public const string Unpin = "unpin";
    public const string Pins = "pins";
    public const string Pinned = "pinned";
    public const string Unpinned = "unpinned";
    /// <summary>Full-text search (docs/protocol.md, "Search"): answered with <c>ok</c> and its <c>results</c>.</summary>
    public const string Search = "search";
    // Tokens, sessions and bots (docs/protocol.md, "Tokens, sessions and bots"): requests, answered with ok.
    public const string Tokens = "tokens";
    public const string TokenCreate = "token_create";
    public const string TokenRevoke = "token_revoke";
    public const string Sessions = "sessions";
    public const string SessionRevoke = "session_revoke";

    /// <summary>To a room: its retention changed (docs/retention.md), with <c>retentionDays</c> and <c>retentionSource</c>.</summary>
    public const string Retention = "retention";
}
