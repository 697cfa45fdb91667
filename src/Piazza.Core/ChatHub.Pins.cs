using Piazza.Core.Moderation.Actions;
using Piazza.Core.Pins;

namespace Piazza.Core;

/// <summary>Pinned messages (docs/protocol.md, "Pins"): pin and unpin run through the moderation pipeline.</summary>
public sealed partial class ChatHub
{
    private PinsService _pins = null!;

    /// <summary>
    /// Pins (<paramref name="pin"/>) or unpins a message: a room's moderators, owner and admins; any participant of a
    /// private conversation. The conversation hears <c>pinned</c> / <c>unpinned</c>; a repeat is answered the same, silently.
    /// </summary>
    public Task<HubResult<PinEvent>> PinAsync(ChatSession session, string? room, string? messageId, bool pin, CancellationToken cancellationToken = default)
        => RunAsync(new PinAction(messageId, pin), session, new ModerationRequest(room, null), cancellationToken);

    /// <summary>The pinned messages of a room the user is in or of one of its private conversations, newest pin first.</summary>
    public Task<HubResult<PinList>> PinsAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _pins.ListAsync(session, room, cancellationToken);
    }

    private void StartPins(Delivery.SlowConsumers slowConsumers)
    {
        _pins = new PinsService(_hub, _conversations, _rooms, Flood, slowConsumers);
        _pins.Register(_hub.Cluster);
    }
}
