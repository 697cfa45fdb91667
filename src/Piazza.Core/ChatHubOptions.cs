namespace Piazza.Core;

/// <summary>
/// Domain policies of the hub. Immutable. The defaults are the initial values below; the server binds this record as
/// <c>Piazza:Hub</c> (flags, variables and descriptions in docs/configuration.md, made from the server's option table).
/// </summary>
public sealed record ChatHubOptions
{
    /// <summary>Message of the day sent in <c>welcome</c>.</summary>
    public string? Motd { get; init; } = "Welcome to Piazza.";

    /// <summary>Longest message text in characters (UTF-16 units).</summary>
    public int MaxMessageChars { get; init; } = 4000;

    /// <summary>Whether users without an account may connect (under a name nobody has registered).</summary>
    public bool AllowGuests { get; init; } = true;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes.</summary>
    public int PasswordIterations { get; init; } = Accounts.PasswordHasher.DefaultIterations;

    /// <summary>How long a session token stays valid.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Messages sent on joining a room (or logging in) when the client names no resume point.</summary>
    public int HistoryOnJoin { get; init; } = 50;

    /// <summary>Private conversations attached at login (most recent first).</summary>
    public int ConversationsOnLogin { get; init; } = 50;

    /// <summary>Rooms one user may be in at once (the lobby included); a join beyond it is <c>too_many_rooms</c>. 0 means no limit.</summary>
    public int MaxRoomsPerUser { get; init; } = 100;

    /// <summary>
    /// Whether guests may create rooms (join one that does not exist). A guest's room lasts while someone is in it;
    /// guests may always join rooms that exist.
    /// </summary>
    public bool GuestsMayCreateRooms { get; init; } = true;

    /// <summary>Whether every member of a room may invite to it (<c>invite</c>, <c>uninvite</c>); by default only its owner, moderators and admins.</summary>
    public bool MembersMayInvite { get; init; }

    /// <summary>How fast rooms may be created, per account and per address (docs/security.md).</summary>
    public Limits.RoomCreationLimits RoomCreation { get; init; } = new();

    /// <summary>Message and frame rates and the flooding disconnect (docs/security.md).</summary>
    public Limits.FloodLimits Flood { get; init; } = new();

    /// <summary>Password login and registration throttling and the hashing queue's bound (docs/security.md).</summary>
    public Accounts.LoginLimits Login { get; init; } = new();

    /// <summary>The first account registered while the server has no admin becomes admin.</summary>
    public bool FirstUserIsAdmin { get; init; }

    /// <summary>How long messages are kept (server-wide; rooms may set their own).</summary>
    public Retention.RetentionOptions Retention { get; init; } = new();
}
