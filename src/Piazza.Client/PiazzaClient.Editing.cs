using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Editing messages (docs/protocol.md, "Edit").</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// Replaces the text of your own message <paramref name="messageId"/>; everyone in the conversation (you too) gets
    /// <see cref="MessageEdited"/>. Returns when it was edited (null when the text was the same and the message never
    /// edited). Refusals throw <see cref="PiazzaException"/>: <c>forbidden</c> (someone else's), <c>no_such_message</c>
    /// (deleted, missing or hidden), and the text errors of a send. Safe to repeat: the same text again changes nothing.
    /// </summary>
    public async Task<DateTimeOffset?> EditAsync(string messageId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(text);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Edit, Msg = messageId, Text = text }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return WireMapping.Time(ok.EditedAt);
    }

    /// <summary>Every text message <paramref name="messageId"/> had, oldest first and the current one last: for the room's moderators, owner and admins.</summary>
    public async Task<IReadOnlyList<MessageVersion>> VersionsAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Versions, Msg = messageId }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        return [.. (ok.Versions ?? []).Select(v => new MessageVersion(v.Text, WireMapping.Time(v.Ts)))];
    }
}
