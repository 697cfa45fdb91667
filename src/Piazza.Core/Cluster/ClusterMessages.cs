using Piazza.Core.Conversations;
using Piazza.Core.Messaging;
using Piazza.Core.Online;
using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// Messages other nodes stored: each goes to this node's connections through the same ordered delivery as this
/// node's own (<see cref="LocalFanOut"/>). A private conversation nobody here has loaded is loaded and attached when
/// one of its two people is connected here, so every device of a user hears it whatever node it is on. After the
/// bus was cut, every loaded conversation catches up from the store.
/// </summary>
internal sealed class ClusterMessages(ConversationCache conversations, LocalFanOut fanOut, OnlineDirectory online, Attacher attacher)
{
    public void Register(ClusterReceiver receiver)
    {
        receiver.On<MessageStoredSignal>(OnStored);
        receiver.OnResynchronize(CatchUpAll);
    }

    private void OnStored(MessageStoredSignal signal)
    {
        var stored = signal.Message;
        if (conversations.Find(stored.Conversation) is { } conversation)
        {
            fanOut.Offer(conversation, conversation.FromStored(stored));
        }
        else if (DirectConversationId.TryParticipants(stored.Conversation, out var keys)
            && Array.Exists(keys, key => online.FindByIdentity(key) is not null))
        {
            _ = AttachDirectAsync(stored);
        }
    }

    /// <summary>
    /// Loads the conversation (which reads the message, stored before its signal was sent) and attaches its people
    /// here from just before it, the message coming as live: what they would have seen on the sender's node.
    /// </summary>
    private async Task AttachDirectAsync(Storage.StoredMessage stored)
    {
        if (await conversations.LoadExistingAsync(stored.Conversation).ConfigureAwait(false) is DirectConversation direct)
        {
            attacher.AttachParticipants(direct, Math.Min(direct.LastDelivered, stored.Seq - 1), asLive: true);
            fanOut.Offer(direct, direct.FromStored(stored));
        }
    }

    private void CatchUpAll()
    {
        foreach (var conversation in conversations.Loaded)
        {
            _ = fanOut.CatchUpAsync(conversation);
        }
    }
}
