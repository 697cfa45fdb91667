using System.Globalization;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// The terms of a timed action, defined once for every door: how long a ban or mute may last, the reason's length,
/// and how an expiry is written in messages and the audit log.
/// </summary>
public static class ModerationTerms
{
    /// <summary>Longest reason in characters.</summary>
    public const int MaxReasonChars = 300;

    /// <summary>Longest ban or mute; longer is refused rather than overflowing the clock.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);

    private static readonly HubError BadDuration = new(ErrorCode.BadRequest, "\"duration\" must be a positive number of seconds (at most 100 years)");

    /// <summary>A duration in seconds as a frame carries it; NaN, infinities and huge values are refused before TimeSpan sees them.</summary>
    public static HubResult<TimeSpan> DurationFromSeconds(double seconds)
        => double.IsFinite(seconds) && seconds > 0 && seconds <= MaxDuration.TotalSeconds
            ? CheckDuration(TimeSpan.FromSeconds(seconds))
            : BadDuration;

    /// <summary>A duration within (0, <see cref="MaxDuration"/>].</summary>
    public static HubResult<TimeSpan> CheckDuration(TimeSpan duration)
        => duration <= TimeSpan.Zero || duration > MaxDuration ? BadDuration : HubResult<TimeSpan>.Ok(duration);

    /// <summary>
    /// The rule for every action's reason, checked by the pipeline before any action runs: at most
    /// <see cref="MaxReasonChars"/>, and the text rule of a topic (one line, no control characters: it is relayed to
    /// the target's screen and printed by <c>admin audit</c>).
    /// </summary>
    internal static HubError? CheckReason(string? reason)
    {
        if (reason is null)
        {
            return null;
        }

        if (reason.Length > MaxReasonChars)
        {
            return new HubError(ErrorCode.TooLarge, $"reasons are at most {MaxReasonChars} characters");
        }

        return UnicodeHygiene.CheckText(reason, allowNewlines: false, out var problem) ? null : new HubError(ErrorCode.BadText, "reason: " + problem);
    }

    /// <summary>A timed action's expiry (the pipeline has checked the reason).</summary>
    internal static HubResult<DateTimeOffset?> TermsOf(ModerationRequest request, DateTimeOffset now)
    {
        if (request.Duration is not null && request.Until is not null)
        {
            return new HubError(ErrorCode.BadRequest, "give \"duration\" or \"until\", not both");
        }

        if (request.Duration is { } duration)
        {
            var checkedDuration = CheckDuration(duration);
            return checkedDuration.Succeeded ? HubResult<DateTimeOffset?>.Ok(now + duration) : checkedDuration.Error!;
        }

        if (request.Until is { } until)
        {
            return until <= now || until - now > MaxDuration
                ? new HubError(ErrorCode.BadRequest, "\"until\" must be in the future (at most 100 years)")
                : HubResult<DateTimeOffset?>.Ok(until);
        }

        return HubResult<DateTimeOffset?>.Ok(null);
    }

    internal static string FormatUntil(DateTimeOffset until) => until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    internal static string? DescribeUntil(DateTimeOffset? until) => until is { } u ? "until " + FormatUntil(u) : null;
}
