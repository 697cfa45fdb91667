using Piazza.Core.Pins;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Shared;

/// <summary>A pinned message for the pins panel, on every door: the one message shape plus <c>pinnedBy</c> and <c>pinnedAt</c>.</summary>
public static class PinJson
{
    public static ServerFrame ToFrame(PinnedMessage pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        var frame = MessageJson.ToFrame(pin.Message);
        frame.PinnedBy = pin.PinnedBy;
        frame.PinnedAt = WireTimestamp.Format(pin.PinnedAt);
        frame.Truncated = pin.Truncated ? true : null;
        return frame;
    }
}
