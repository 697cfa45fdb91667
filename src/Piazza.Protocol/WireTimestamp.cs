using System.Globalization;

namespace Piazza.Protocol;

/// <summary>The one spelling of a time on the wire (<c>ts</c>, <c>since</c>, <c>until</c>) for every door.</summary>
public static class WireTimestamp
{
    /// <summary>UTC with milliseconds, e.g. 2026-11-24T10:00:00.123Z.</summary>
    public static string Format(DateTimeOffset timestamp)
        => timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
