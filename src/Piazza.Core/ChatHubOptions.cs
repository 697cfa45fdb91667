namespace Piazza.Core;

/// <summary>Domain policies of the hub. Immutable; the defaults are those documented in docs/protocol.md.</summary>
public sealed record ChatHubOptions
{
    /// <summary>Message of the day sent in <c>welcome</c>. Default: a short greeting.</summary>
    public string? Motd { get; init; } = "Welcome to Piazza.";

    /// <summary>Longest message text in characters (UTF-16 units). Default 4,000.</summary>
    public int MaxMessageChars { get; init; } = 4000;

    /// <summary>Whether users without an account may connect (under a name nobody has registered). Default true.</summary>
    public bool AllowGuests { get; init; } = true;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes. Default 600,000.</summary>
    public int PasswordIterations { get; init; } = Accounts.PasswordHasher.DefaultIterations;

    /// <summary>How long a session token stays valid. Default 30 days.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Messages sent on joining a room (or logging in) when the client names no resume point. Default 50.</summary>
    public int HistoryOnJoin { get; init; } = 50;

    /// <summary>Private conversations attached at login (most recent first). Default 50.</summary>
    public int ConversationsOnLogin { get; init; } = 50;

    /// <summary>Rooms one user may be in at once (the lobby included); a join beyond it is <c>too_many_rooms</c>. Default 100; 0 means no limit.</summary>
    public int MaxRoomsPerUser { get; init; } = 100;

    /// <summary>Message and frame rates and the flooding disconnect (docs/security.md).</summary>
    public Limits.FloodLimits Flood { get; init; } = new();
    /// <summary>The first account registered while the server has no admin becomes admin. Default false.</summary>
    public bool FirstUserIsAdmin { get; init; }
}
