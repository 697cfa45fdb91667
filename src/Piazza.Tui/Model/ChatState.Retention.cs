using Piazza.Client;

namespace Piazza.Tui;

/// <summary>A room's retention (docs/retention.md): held with the room for <c>/topic</c>, and a line in the room when it changes.</summary>
internal sealed partial class ChatState
{
    private void ApplyRetention(RetentionChanged changed)
    {
        var room = Ensure(changed.Room);
        room.Retention = changed.Retention;
        var by = changed.By ?? "someone";
        AddLine(room, new ChatLine(TimeOf(changed.At), ChatLineKind.System, changed.By, $"{by} set {room.DisplayName} {changed.Retention.Describe()}"));
    }

    /// <summary>The room's retention as <c>/topic</c> shows it: "dev keeps messages for 30 days (the room's own setting)"; null when unknown.</summary>
    public static string? DescribeRetention(ConversationState room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return room.Retention is not { } retention ? null
            : $"{room.DisplayName} keeps messages {Piazza.Protocol.RetentionSources.Span(retention.Days)} ({(retention.RoomSetting ? "the room's own setting" : "the server's setting")})";
    }
}
