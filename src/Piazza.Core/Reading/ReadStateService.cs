using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Online;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Reading;

/// <summary>
/// Read state on every device (docs/protocol.md, "Read state"): <c>read</c> stores the account's position in a
/// conversation it may read, never moving it backwards, and the account's other connections, on every node, hear the
/// new position (<see cref="ReadPositionSignal"/>). The conversations a user may read are those <c>history</c> serves:
/// rooms the user is in, and the user's own private conversations.
/// </summary>
internal sealed class ReadStateService(HubContext hub, ReadCounter counter, ConversationCache conversations, RoomService rooms, OnlineDirectory online, SlowConsumers slowConsumers)
{
    /// <summary>Registers what this node does with another node's (and its own) <see cref="ReadPositionSignal"/>.</summary>
    public void Register(ClusterReceiver receiver) => receiver.On<ReadPositionSignal>(Deliver);

    /// <summary>Stores the position (or keeps the higher stored one) and answers the position stored now, with the conversation's name.</summary>
    public async Task<HubResult<(string Room, long Seq)>> MarkReadAsync(ChatSession session, string? room, long? seq, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(room))
        {
            return new HubError(ErrorCode.BadRequest, "\"room\" names the room or private conversation read");
        }

        if (seq is not { } position || position < 0)
        {
            return new HubError(ErrorCode.BadRequest, "\"seq\" must be the seq of a message (0 or more)");
        }

        var target = await ReadableAsync(session, room, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        var (key, name, newest) = target.Value;
        if (position > newest)
        {
            return new HubError(ErrorCode.BadRequest, $"\"seq\" {position} is beyond the newest message of '{name}' ({newest})");
        }

        var user = session.User;
        var stored = user.IsRegistered
            ? await hub.Store.MarkReadAsync(user.Key, key, position, cancellationToken).ConfigureAwait(false)
            : counter.RememberGuest(user, key, position);
        if (stored == position)
        {
            hub.Enact(new ReadPositionSignal(user.Key, name, position) { Origin = session });
        }

        return HubResult<(string, long)>.Ok((name, stored));
    }

    /// <summary>The read state of the user's rooms and recent private conversations (REST <c>GET /api/conversations</c>).</summary>
    public async Task<IReadOnlyList<ReadCounts>> ConversationsAsync(ChatSession session, CancellationToken cancellationToken)
    {
        var user = session.User;
        var list = new List<(string Key, string Name)>();
        foreach (var key in user.Rooms.Order(StringComparer.Ordinal))
        {
            var name = conversations.Find(key)?.Name ?? (await hub.Store.FindRoomAsync(key, cancellationToken).ConfigureAwait(false))?.Name;
            if (name is not null)
            {
                list.Add((key, name));
            }
        }

        if (user.IsRegistered)
        {
            var direct = await hub.Store.ConversationsOfAsync(user.Key, hub.Options.ConversationsOnLogin, cancellationToken).ConfigureAwait(false);
            list.AddRange(direct.Select(k => (k, k)));
        }

        return await counter.CountAsync(user, list, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The conversation <paramref name="room"/> names if the user may read it: its key, name and newest seq.</summary>
    private async Task<HubResult<(string Key, string Name, long Newest)>> ReadableAsync(ChatSession session, string room, CancellationToken cancellationToken)
    {
        if (DirectConversationId.IsDirect(room))
        {
            var canonical = DirectConversationIdRule.Check(room, session.User.Key);
            if (!canonical.Succeeded)
            {
                return canonical.Error!;
            }

            var key = canonical.Value!;
            var newest = conversations.Find(key)?.LastDelivered ?? await hub.Store.LastSeqAsync(key, cancellationToken).ConfigureAwait(false);

            // A conversation never written to has nothing to read; storing positions for made-up ids would grow without bound.
            return newest == 0
                ? new HubError(ErrorCode.NoSuchRoom, $"there is no conversation '{room}' yet")
                : HubResult<(string, string, long)>.Ok((key, key, newest));
        }

        var resolved = await rooms.ResolveRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        return HubResult<(string, string, long)>.Ok((chatRoom.Key, chatRoom.Name, chatRoom.LastDelivered));
    }

    /// <summary>Tells the account's connections on this node, except the one that read, the new position.</summary>
    private void Deliver(ReadPositionSignal signal)
    {
        if (online.FindByIdentity(signal.Identity) is not { } user)
        {
            return;
        }

        var news = new ReadEvent(signal.Room, signal.Seq);
        slowConsumers.Run(overflowed =>
        {
            foreach (var session in user.Sessions)
            {
                if (session != signal.Origin && !session.HasEnded && !session.Connection.TryEnqueue(news))
                {
                    overflowed.Add(session);
                }
            }
        });
    }
}
