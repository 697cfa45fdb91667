using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Away;

/// <summary>
/// Typing notices: the others in a room or private conversation hear <c>typing</c> (never the typist's own
/// connections: they know), at most one per user and conversation every <see cref="Interval"/> (the rest are dropped
/// silently), on every node (<see cref="TypingSignal"/>), never stored. A room is checked exactly as a <c>send</c>
/// checks it (the same errors, so it tells nothing a send would not); a muted user's notices are dropped silently.
/// </summary>
internal sealed class TypingService
{
    /// <summary>One notice per user and conversation per interval: about how often a client repeats one while typing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    private readonly HubContext _hub;
    private readonly OnlineDirectory _online;
    private readonly ConversationCache _conversations;
    private readonly RoomService _rooms;
    private readonly Sanctions _sanctions;
    private readonly SlowConsumers _slowConsumers;
    private readonly TypingThrottle _throttle;

    public TypingService(HubContext hub, OnlineDirectory online, ConversationCache conversations, RoomService rooms, Sanctions sanctions, SlowConsumers slowConsumers)
    {
        _hub = hub;
        _online = online;
        _conversations = conversations;
        _rooms = rooms;
        _sanctions = sanctions;
        _slowConsumers = slowConsumers;
        _throttle = new TypingThrottle(hub.Time, Interval);
        hub.Cluster.On<TypingSignal>(Deliver);
    }

    /// <summary>
    /// Tells the others the user is typing in <paramref name="room"/> (a room, or a conversation id <c>@a,b</c>) or
    /// to <paramref name="to"/>. True when told, false when dropped (throttled, muted, the recipient offline).
    /// </summary>
    public async Task<HubResult<bool>> TypingAsync(ChatSession session, string? room, string? to, CancellationToken cancellationToken)
    {
        var user = session.User;
        if (room is not null && to is not null)
        {
            return new HubError(ErrorCode.BadRequest, "typing names \"room\" or \"to\", not both");
        }

        TypingSignal signal;
        if (to is not null)
        {
            if (!UserNamePolicy.IsValid(to, out var problem))
            {
                return new HubError(ErrorCode.BadRequest, problem);
            }

            var nameKey = UserNamePolicy.Fold(to);
            var identity = _online.FindByName(nameKey)?.Key ?? (await _online.Claims.FindAsync(nameKey, cancellationToken).ConfigureAwait(false))?.Identity;
            if (identity is null || identity == user.Key)
            {
                return HubResult<bool>.Ok(false); // nobody online to tell
            }

            var id = DirectConversationId.For(user.Key, identity);
            signal = new TypingSignal(user.Name, user.Key, id, null, [user.Key, identity]);
        }
        else if (room is not null && DirectConversationId.IsDirect(room))
        {
            var participants = ParticipantsOf(room, user.Key);
            if (!participants.Succeeded)
            {
                return participants.Error!;
            }

            signal = new TypingSignal(user.Name, user.Key, room, null, participants.Value);
        }
        else
        {
            if (room is null)
            {
                return new HubError(ErrorCode.BadRequest, "typing names \"room\" (a room or a conversation id) or \"to\" (a user)");
            }

            var resolved = await _rooms.ResolveRoomAsync(session, room).ConfigureAwait(false);
            if (!resolved.Succeeded)
            {
                return resolved.Error!;
            }

            var chatRoom = resolved.Value!;
            if (_sanctions.MuteError(user, chatRoom) is not null)
            {
                return HubResult<bool>.Ok(false);
            }

            signal = new TypingSignal(user.Name, user.Key, chatRoom.Name, chatRoom.Key, null);
        }

        if (!_throttle.TryPass(user.Key, signal.RoomKey ?? signal.Conversation))
        {
            return HubResult<bool>.Ok(false);
        }

        _hub.Enact(signal);
        return HubResult<bool>.Ok(true);
    }

    /// <summary>The identity keys of a two-person or group id the asker takes part in, as <see cref="DirectConversationIdRule"/> checks it.</summary>
    private static HubResult<IReadOnlyList<string>> ParticipantsOf(string id, string askerKey)
    {
        var checkedId = DirectConversationIdRule.Check(id, askerKey);
        if (!checkedId.Succeeded)
        {
            return checkedId.Error!;
        }

        DirectConversationId.TryParticipants(id, out var keys); // a checked id parses
        return HubResult<IReadOnlyList<string>>.Ok(keys);
    }

    /// <summary>Queues the notice to this node's connections of the others in the conversation (the acting node's and every other's).</summary>
    private void Deliver(TypingSignal signal)
    {
        var typing = new TypingEvent(signal.Conversation, signal.User);
        IEnumerable<ChatSession> recipients = signal.RoomKey is { } roomKey
            ? (_conversations.Find(roomKey) as ChatRoom)?.Subscribers ?? []
            : (signal.Participants ?? []).Where(p => p != signal.Identity).SelectMany(p => _online.FindByIdentity(p)?.Sessions ?? []);
        _slowConsumers.Run(overflowed =>
        {
            foreach (var session in recipients)
            {
                if (session.User.Key != signal.Identity && !session.HasEnded && !session.Connection.TryEnqueue(typing))
                {
                    overflowed.Add(session);
                }
            }
        });
    }
}
