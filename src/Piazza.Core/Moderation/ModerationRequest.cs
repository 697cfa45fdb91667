namespace Piazza.Core;

/// <summary>
/// What a moderation request names; a door fills in what its frame carries. <see cref="Address"/> comes already
/// normalised by the door (Piazza.Protocol's <c>AddressText</c>): the core compares addresses, it does not parse them.
/// </summary>
public sealed record ModerationRequest(string? Room, string? User, string? Address = null, string? Reason = null, TimeSpan? Duration = null, DateTimeOffset? Until = null);

/// <summary>What a moderation action did, for the reply.</summary>
public sealed record ModerationOutcome(string? Room, string? User, DateTimeOffset? Until = null);
