namespace Piazza.Protocol;

/// <summary>The words of <c>retentionSource</c> (docs/retention.md): whose setting a room's retention is.</summary>
public static class RetentionSources
{
    /// <summary>The room's own setting (its owner's or an admin's).</summary>
    public const string Room = "room";

    /// <summary>The server's <c>--retention-days</c>.</summary>
    public const string Server = "server";

    public static string Of(bool roomSetting) => roomSetting ? Room : Server;
}
