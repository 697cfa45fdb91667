using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Limits;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Pins;

/// <summary>
/// Pins besides the action itself (Moderation/Actions/PinAction): what a pin or unpin does in memory on every node,
/// and the pins panel's list, read with the rules of <c>history</c> (a room you are in; one of your private
/// conversations), so it shows nothing history would not.
/// </summary>
internal sealed class PinsService(HubContext hub, ConversationCache conversations, RoomService rooms, FloodControl flood, SlowConsumers slowConsumers)
{
    /// <summary>Registers the handler of <see cref="MessagePinnedSignal"/> (here and on other nodes) and the reread after a cut-off bus.</summary>
    public void Register(ClusterReceiver receiver)
    {
        receiver.On<MessagePinnedSignal>(s => slowConsumers.Run(o =>
        {
            if (conversations.Find(s.ConversationKey) is { } conversation)
            {
                conversation.SetPinned(s.Seq, s.MessageId, new PinEvent(conversation.Name, s.MessageId, s.Seq, s.By, s.At, s.Pinned), o);
            }
        }));
        receiver.OnResynchronize(() => _ = Task.Run(ReloadAsync));
    }

    /// <summary>The pinned messages of a conversation the user may read, newest pin first.</summary>
    public async Task<HubResult<PinList>> ListAsync(ChatSession session, string? room, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(room))
        {
            return new HubError(ErrorCode.BadRequest, "\"room\" names the room or private conversation");
        }

        // Every request counts as a history read, a refused one too.
        if (flood.TryAcquireRead(session) is { } throttled)
        {
            return throttled;
        }

        string key, name;
        if (DirectConversationId.IsDirect(room))
        {
            var canonical = DirectConversationIdRule.Check(room, session.User.Key);
            if (!canonical.Succeeded)
            {
                return canonical.Error!;
            }

            key = name = canonical.Value!;
        }
        else
        {
            var resolved = await rooms.ResolveRoomAsync(session, room).ConfigureAwait(false);
            if (!resolved.Succeeded)
            {
                return resolved.Error!;
            }

            (key, name) = (resolved.Value!.Key, resolved.Value.Name);
        }

        var store = hub.Store;
        var pins = await store.PinsAsync(key, cancellationToken).ConfigureAwait(false);
        var list = new List<PinnedMessage>(pins.Count);
        foreach (var pin in pins)
        {
            // At most 50 point reads; each message comes as history serves it (whatever fields the store fills).
            if (await store.FindMessageAsync(pin.MessageId, cancellationToken).ConfigureAwait(false) is { DeletedBy: null } stored
                && stored.Conversation == key)
            {
                var cut = PinRules.Preview(stored.Text);
                var shown = ReferenceEquals(cut, stored.Text) ? stored : stored with { Text = cut };
                list.Add(new PinnedMessage(Conversation.FromStored(shown, key, name), pin.PinnedBy, pin.PinnedAt) { Truncated = shown != stored });
            }
        }

        return HubResult<PinList>.Ok(new PinList(name, list));
    }

    /// <summary>After the bus was cut off, a lost pin signal is made good: each loaded conversation rereads its pins.</summary>
    private async Task ReloadAsync()
    {
        try
        {
            foreach (var conversation in conversations.Loaded.ToList())
            {
                conversation.RestorePins(await hub.Store.PinsAsync(conversation.Key).ConfigureAwait(false));
            }
        }
#pragma warning disable CA1031 // the store may be down too: it is logged, and the next resynchronisation tries again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            hub.Observer?.StoreFailed(ex);
        }
    }
}
