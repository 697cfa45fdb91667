using Piazza.Core.Storage;

namespace Piazza.Core.Messaging;

/// <summary>
/// What a send with a client id said (text, file, the message it replies to): a repeat of the id in the same
/// conversation is a retry only when it says the same (docs/protocol.md, "Idempotent sends"); otherwise it is refused
/// as <c>conflict</c>. A stored message since edited or deleted no longer shows its first text (deleted: its file), so
/// those parts are not compared for it.
/// </summary>
internal sealed record SendContent(string Text, string? FileId, string? ReplyTo)
{
    /// <summary>False when the text is no longer the one sent (an edited or deleted message read from the store).</summary>
    public bool TextKnown { get; init; } = true;

    /// <summary>False when the file is gone with the message (a deleted message read from the store).</summary>
    public bool FileKnown { get; init; } = true;

    /// <summary>The content of a message as it was accepted for sending.</summary>
    public static SendContent Of(MessageEvent message) => new(message.Text, message.File?.Id, message.Reply?.MessageId);

    /// <summary>The content of a stored message, as far as the store still shows what was sent.</summary>
    public static SendContent Of(StoredMessage message) => new(message.Text, message.File?.Id, message.ReplyTo)
    {
        TextKnown = message.EditedAt is null && message.DeletedBy is null,
        FileKnown = message.DeletedBy is null,
    };

    /// <summary>Whether <paramref name="retry"/> says what this earlier send said (only what is still known of it).</summary>
    public bool Matches(SendContent retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        return (!TextKnown || string.Equals(Text, retry.Text, StringComparison.Ordinal))
            && (!FileKnown || string.Equals(FileId, retry.FileId, StringComparison.Ordinal))
            && string.Equals(ReplyTo, retry.ReplyTo, StringComparison.Ordinal);
    }
}
