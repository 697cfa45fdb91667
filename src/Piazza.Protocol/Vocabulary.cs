using System.Collections.Frozen;

namespace Piazza.Protocol;

/// <summary>
/// Why a request was refused: the <c>code</c> of an <c>error</c> frame, an HTTP error body, a client exception.
/// docs/protocol.md explains each; <see cref="WireNames"/> holds the one spelling on the wire.
/// </summary>
public enum ErrorCode
{
    BadFrame,
    TooLarge,
    BadRequest,
    UnknownType,
    NotWelcomed,
    AlreadyWelcomed,
    BadName,
    NameTaken,
    ProtocolVersion,
    NoSuchRoom,
    HelloTimeout,
    ServerError,
    NameReserved,
    AuthFailed,
    AuthRequired,
    RateLimited,
    NotInRoom,
    NoSuchUser,
    Forbidden,

    /// <summary>A <c>send</c> names a file that does not exist (or was deleted).</summary>
    NoSuchFile,

    /// <summary>A join beyond the rooms-per-user limit.</summary>
    TooManyRooms,

    /// <summary>Sent just before the server closes a connection that kept sending after <c>rate_limited</c>.</summary>
    Flooding,

    /// <summary>Sent (native door) just before closing a connection over the per-address connection limits.</summary>
    TooManyConnections,
    Banned,
    Muted,
    NoSuchMessage,
    NotBanned,

    /// <summary>A new name (user or room) looks like one that is taken (same skeleton, docs/security.md).</summary>
    NameConfusable,

    /// <summary>Message text or a topic holds characters that are refused (controls other than newline and tab).</summary>
    BadText,

    // The HTTP door only (docs/http-api.md): its endpoints and the tus file uploads.

    /// <summary>No such API endpoint, upload, or downloadable file.</summary>
    NotFound,

    /// <summary>A tus request whose <c>Tus-Resumable</c> is not the version this server speaks.</summary>
    UnsupportedVersion,

    /// <summary>A tus <c>PATCH</c> whose <c>Upload-Offset</c> is not the stored offset.</summary>
    OffsetMismatch,

    /// <summary>A tus <c>PATCH</c> without the offset-stream content type.</summary>
    BadContentType,

    /// <summary>The user's stored files and unfinished uploads would exceed their quota.</summary>
    QuotaExceeded,

    /// <summary>The user already has the most unfinished uploads allowed.</summary>
    TooManyUploads,

    /// <summary>A completed upload's SHA-256 differs from the declared one; nothing was kept.</summary>
    HashMismatch,

    /// <summary>A request's <c>Upload-Checksum</c> does not match its bytes; they were discarded.</summary>
    ChecksumMismatch,

    /// <summary>An upload's request body ended before its declared length.</summary>
    Interrupted,

    /// <summary>The server's disk is full; the upload keeps its last good offset.</summary>
    StorageFull,

    /// <summary>Another I/O error while storing an upload; it keeps its last good offset.</summary>
    StorageError,

    /// <summary>
    /// Sent just before the server closes a live connection whose credentials were revoked (a password change, a
    /// logout of the token it used); over HTTP the same token simply gets <c>auth_failed</c>.
    /// </summary>
    SessionRevoked,

    /// <summary>
    /// A store or cluster service the request needs cannot be reached now (PostgreSQL or Redis restarting); nothing was
    /// done; try again shortly (<c>retryAfter</c> when known).
    /// </summary>
    Unavailable,

    /// <summary>
    /// A tus request to an upload that another request is writing, on another node of a cluster; nothing was done;
    /// HEAD, then try again (tus clients retry 423).
    /// </summary>
    UploadBusy,

    /// <summary>A reaction would give a message more distinct emoji than allowed (20; docs/protocol.md, "Reactions").</summary>
    TooManyReactions,
    /// <summary>A <c>pin</c> beyond the most pinned messages a conversation may hold (50); unpin one first.</summary>
    TooManyPins,

    /// <summary>An HTTP request whose method the path does not take; the answer's <c>Allow</c> header lists those it does.</summary>
    MethodNotAllowed,

    /// <summary>A <c>send</c> reuses its client id in the same conversation with different content (text, file, reply); nothing was sent.</summary>
    Conflict,

    /// <summary>The last event of a stream (<c>GET /api/events</c>) that fell too far behind: its bounded queue overflowed.</summary>
    SlowConsumer,

    /// <summary>
    /// A login or a token of an account a server admin disabled (docs/admin.md); its live connections were ended. Nothing
    /// the account holds works until an admin enables it again.
    /// </summary>
    AccountDisabled,
}

/// <summary>Why someone left a conversation or the server: the <c>reason</c> of a <c>left</c> frame.</summary>
public enum LeaveReason
{
    Quit,
    Lost,
    Timeout,
    Kicked,
    Shutdown,
    SlowConsumer,

    /// <summary>Disconnected for flooding (kept sending after <c>rate_limited</c>).</summary>
    Flooding,

    /// <summary>A moderator banned the user (from the room, or from the server).</summary>
    Banned,

    /// <summary>The user left the room on purpose (<c>leave</c>).</summary>
    Left,

    /// <summary>The connection's credentials were revoked (a password change, a logout of its token) and it was closed.</summary>
    SessionRevoked,
}

/// <summary>The <c>scope</c> of a <c>left</c> frame: absent for a room, <see cref="Server"/> when a kick or ban removed the user from the whole server.</summary>
public static class LeaveScopes
{
    public const string Server = "server";
}

/// <summary>
/// The one place the vocabulary is spelled for the wire: each member's name in snake_case
/// (<see cref="ErrorCode.NoSuchRoom"/> is <c>no_such_room</c>). Tables are built once, so a lookup allocates nothing.
/// </summary>
public static class WireNames
{
    private static readonly string[] ErrorNames = NamesOf<ErrorCode>();
    private static readonly string[] ReasonNames = NamesOf<LeaveReason>();
    private static readonly FrozenDictionary<string, ErrorCode> ErrorsByName = IndexOf<ErrorCode>(ErrorNames);
    private static readonly FrozenDictionary<string, LeaveReason> ReasonsByName = IndexOf<LeaveReason>(ReasonNames);

    /// <summary>Every error code as it appears on the wire.</summary>
    public static IReadOnlyList<string> AllErrorCodes => ErrorNames;

    /// <summary>Every leave reason as it appears on the wire.</summary>
    public static IReadOnlyList<string> AllLeaveReasons => ReasonNames;

    public static string ToWire(this ErrorCode code) => ErrorNames[(int)code];

    public static string ToWire(this LeaveReason reason) => ReasonNames[(int)reason];

    public static bool TryParse(string? wire, out ErrorCode code) => ErrorsByName.TryGetValue(wire ?? "", out code);

    public static bool TryParse(string? wire, out LeaveReason reason) => ReasonsByName.TryGetValue(wire ?? "", out reason);

    private static string[] NamesOf<T>()
        where T : struct, Enum
        => [.. Enum.GetValues<T>().Select(value => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()))];

    private static FrozenDictionary<string, T> IndexOf<T>(string[] names)
        where T : struct, Enum
        => Enum.GetValues<T>().ToFrozenDictionary(value => names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)], StringComparer.Ordinal);
}
