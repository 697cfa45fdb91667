using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>The moderation frames: their fields read once, the core asked, one reply shape.</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary>kick, ban, unban, mute, unmute, op, deop: the same fields, one reply shape.</summary>
    private async Task HandleModerationAsync(ChatSession session, ClientFrame frame)
    {
        TimeSpan? duration = null;
        DateTimeOffset? until = null;
        if (frame.Duration is { } seconds)
        {
            var checkedDuration = ModerationTerms.DurationFromSeconds(seconds);
            if (!checkedDuration.Succeeded)
            {
                ReportProtocolError(frame.Id, checkedDuration.Error!.Code, checkedDuration.Error.Message);
                return;
            }

            duration = checkedDuration.Value;
        }

        if (frame.Until is { } text)
        {
            if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            {
                ReportProtocolError(frame.Id, ErrorCode.BadRequest, "\"until\" must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z");
                return;
            }

            until = parsed;
        }

        // The core compares addresses; it does not parse them. An unban of something that is not an address finds nothing.
        var address = AddressText.Normalize(frame.Address);
        if (frame.Address is not null && address is null && frame.Type == FrameTypes.Ban)
        {
            ReportProtocolError(frame.Id, ErrorCode.BadRequest, $"'{frame.Address}' is not an IP address");
            return;
        }

        var request = new ModerationRequest(frame.Room, frame.User, frame.Address is null ? null : address ?? frame.Address, frame.Reason, duration, until);
        var result = frame.Type switch
        {
            FrameTypes.Kick => await _hub.KickAsync(session, request).ConfigureAwait(false),
            FrameTypes.Ban => await _hub.BanAsync(session, request).ConfigureAwait(false),
            FrameTypes.Unban => await _hub.UnbanAsync(session, request).ConfigureAwait(false),
            FrameTypes.Mute => await _hub.MuteAsync(session, request).ConfigureAwait(false),
            FrameTypes.Unmute => await _hub.UnmuteAsync(session, request).ConfigureAwait(false),
            FrameTypes.Op => await _hub.SetModeratorAsync(session, request, moderator: true).ConfigureAwait(false),
            _ => await _hub.SetModeratorAsync(session, request, moderator: false).ConfigureAwait(false),
        };
        Reply(frame, result, done => new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Room = done.Room,
            User = done.User,
            Address = frame.Type is FrameTypes.Ban or FrameTypes.Unban ? frame.Address : null,
            Until = done.Until is { } end ? WireTimestamp.Format(end) : null,
        });
    }
}
