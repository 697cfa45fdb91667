using Piazza.Core.Conversations;
using Piazza.Core.Storage;

namespace Piazza.Core;

public sealed partial class ChatHub
{
    /// <summary>
    /// A stored message as conversation <paramref name="key"/> (shown as <paramref name="name"/>) delivers it: what
    /// history shows of it (a deleted message without its text, file, edits and reactions). For exports, which read the store directly.
    /// </summary>
    public static MessageEvent AsDelivered(StoredMessage message, string key, string name) => Conversation.FromStored(message, key, name);
}
