using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Read state on every device (docs/protocol.md, "Read state").</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// Stores that the user has seen <paramref name="conversation"/> (a room, or a private conversation's id) up to
    /// <paramref name="seq"/>; the account's other devices hear it as <see cref="ReadPositionChanged"/>. Returns the
    /// position stored now: higher than <paramref name="seq"/> when another device had read further (not an error).
    /// Call it when the user has actually seen the messages, not merely when they arrived.
    /// </summary>
    public async Task<long> MarkReadAsync(string conversation, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Read, Room = conversation, Seq = seq }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return ok.Seq ?? seq;
    }

    /// <summary>The read state of every conversation the last welcome entered (empty before the first).</summary>
    public IReadOnlyList<ConversationReadState> ConversationReadStates => Welcome?.Conversations ?? [];
}
