using Piazza.Core.Editing;

namespace Piazza.Core;

/// <summary>The facade's edit calls (docs/protocol.md, "Edit").</summary>
public sealed partial class ChatHub
{
    /// <summary>
    /// Replaces the text of the user's own message <paramref name="messageId"/> (an account's: guests cannot edit);
    /// the conversation hears <c>edited</c>. The text rules and message limits of a send apply. The same text again
    /// changes nothing and is not an error.
    /// </summary>
    public Task<HubResult<EditOutcome>> EditMessageAsync(ChatSession session, string? messageId, string? text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _editing.EditAsync(session, messageId, text, cancellationToken);
    }

    /// <summary>Every text a message had, oldest first and the current one last: the room's moderators, owner and server admins only.</summary>
    public Task<HubResult<MessageVersions>> MessageVersionsAsync(ChatSession session, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _editing.VersionsAsync(session, messageId, cancellationToken);
    }
}
