using System.Globalization;

namespace Piazza.Protocol;

/// <summary>The words of <c>retentionSource</c> (docs/retention.md): whose setting a room's retention is.</summary>
public static class RetentionSources
{
    /// <summary>The room's own setting (its owner's or an admin's).</summary>
    public const string Room = "room";

    /// <summary>The server's <c>--retention-days</c>.</summary>
    public const string Server = "server";

    public static string Of(bool roomSetting) => roomSetting ? Room : Server;

    /// <summary>
    /// A retention in plain words, after "alice set #dev": "to keep messages for 30 days", "to keep messages for good",
    /// "to follow the server's retention (30 days)". The IRC door's notice and the terminal client say it the same way.
    /// </summary>
    public static string Describe(int days, bool roomSetting)
        => roomSetting ? $"to keep messages {Span(days)}" : $"to follow the server's retention ({(days == 0 ? "messages kept for good" : Days(days))})";

    /// <summary>"for 30 days", "for 1 day", "for good" (0).</summary>
    public static string Span(int days) => days == 0 ? "for good" : "for " + Days(days);

    private static string Days(int days) => days == 1 ? "1 day" : days.ToString(CultureInfo.InvariantCulture) + " days";
}
