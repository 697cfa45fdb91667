using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Pinned messages (docs/protocol.md, "Pins"): in a room its owner, moderators and server admins pin (others are
/// refused with <see cref="ErrorCode.Forbidden"/>); in a private conversation every participant. Both are idempotent,
/// so they are sent again after a reconnect.
/// </summary>
public sealed partial class PiazzaClient
{
    /// <summary>Pins a message of <paramref name="conversation"/>; everyone there hears <see cref="MessagePinned"/>. At most 50 per conversation (<see cref="ErrorCode.TooManyPins"/>).</summary>
    public Task PinAsync(string conversation, string messageId, CancellationToken cancellationToken = default)
        => PinRequestAsync(FrameTypes.Pin, conversation, messageId, cancellationToken);

    /// <summary>Unpins a message; everyone in the conversation hears <see cref="MessageUnpinned"/>.</summary>
    public Task UnpinAsync(string conversation, string messageId, CancellationToken cancellationToken = default)
        => PinRequestAsync(FrameTypes.Unpin, conversation, messageId, cancellationToken);

    /// <summary>The pinned messages of a room you are in or of one of your private conversations, newest pin first.</summary>
    public async Task<IReadOnlyList<PinnedMessage>> PinsAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Pins, Room = conversation }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        var room = ok.Room ?? conversation;
        return [.. (ok.Pins ?? []).Select(p => new PinnedMessage(WireMapping.ToMessage(p, room), p.PinnedBy ?? "", WireMapping.Time(p.PinnedAt)) { Truncated = p.Truncated == true })];
    }

    private Task PinRequestAsync(string type, string conversation, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return RequestAsync(new ClientFrame { Type = type, Room = conversation, Msg = messageId }, Repeat.AfterReconnect, cancellationToken);
    }
}
