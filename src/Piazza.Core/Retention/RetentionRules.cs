using Piazza.Core.Storage;

namespace Piazza.Core.Retention;

/// <summary>
/// The retention rules (docs/retention.md): how many days a conversation keeps its messages. A room's own setting wins
/// (0: for good); a room without one and every private conversation keep the server's <see cref="RetentionOptions.Days"/>.
/// </summary>
public static class RetentionRules
{
    /// <summary>The most days a room may set (about a century); more is refused rather than stored.</summary>
    public const int MaxDays = 36500;

    /// <summary>What a request says for "follow the server's setting" (protocol <c>retentionDays</c>, REST <c>days</c>).</summary>
    public const int ServerDefault = -1;

    /// <summary>Days the conversation keeps its messages; 0 keeps them for good.</summary>
    public static int DaysFor(RetentionScope scope, int serverDays)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.RoomDays ?? serverDays;
    }

    /// <summary>The effective days of a room whose own setting is <paramref name="roomDays"/>.</summary>
    public static int DaysFor(int? roomDays, int serverDays) => roomDays ?? serverDays;

    /// <summary>Messages sent before this are past retention at <paramref name="now"/>; null when nothing expires.</summary>
    public static DateTimeOffset? CutoffAt(int days, DateTimeOffset now) => days > 0 ? now - TimeSpan.FromDays(days) : null;
}
