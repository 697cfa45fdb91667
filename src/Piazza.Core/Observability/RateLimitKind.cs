namespace Piazza.Core.Observability;

/// <summary>Which limit refused a request: the <c>kind</c> tag of <c>piazza_rate_limited_total</c>.</summary>
public enum RateLimitKind
{
    /// <summary>Frames of any type per connection.</summary>
    Frames,

    /// <summary>Messages per connection or per account.</summary>
    Messages,

    /// <summary>History reads per connection or per account.</summary>
    HistoryReads,

    /// <summary>Failed logins per address or per account (<c>LoginThrottle</c>), or the password-hashing queue full.</summary>
    Logins,

    /// <summary>New rooms per user.</summary>
    Rooms,

    /// <summary>Reactions per user.</summary>
    Reactions,

    /// <summary>Away changes per user.</summary>
    Away,

    /// <summary>HTTP requests per token or per address (429).</summary>
    HttpRequests,

    /// <summary>Connections per address (open at once, or opened per second).</summary>
    Connections,

    /// <summary>New uploads per user.</summary>
    Uploads,
}

/// <summary>The tag spelling of each <see cref="RateLimitKind"/>, once.</summary>
public static class RateLimitKinds
{
    /// <summary>Snake-case names in the enum's order.</summary>
    public static readonly IReadOnlyList<string> Names =
        [.. Enum.GetValues<RateLimitKind>().Select(kind => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()))];
}
