using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Online;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation;

/// <summary>
/// What moderation and room-state changes do in memory, each defined once as the handler of its signal
/// (Cluster/ModerationSignals): the node that acted runs it through <see cref="HubContext.Enact"/>, every other node
/// when the signal arrives. Each applies to this node's own connections and loaded rooms only; frames are built from
/// the signal, so a user sees the same one on every node. After the bus was cut off, <see cref="ModerationResync"/>
/// rereads from the store what a lost signal would have changed.
/// </summary>
internal sealed class ModerationEffects(ModerationContext context, Admission admission, SlowConsumers slowConsumers)
{
    private OnlineDirectory Online => context.Online;

    private ConversationCache Conversations => context.Conversations;

    public void Register(ClusterReceiver cluster)
    {
        cluster.On<RemovedFromRoomSignal>(s => slowConsumers.Run(o => RemoveFromRoom(s.RoomKey, s.NameKey, s.UserName, LeaveReason.Kicked, s.Reason, s.By, s.At, notice: null, announce: true, o)));
        cluster.On<KickedFromServerSignal>(s => slowConsumers.Run(o =>
        {
            if (Online.FindByName(s.NameKey) is { } user)
            {
                RemoveFromServer(user, LeaveReason.Kicked, s.Reason, s.By, ModerationEvent.Kicked, null, null, s.At, o);
            }
        }));
        cluster.On<BanAddedSignal>(s => slowConsumers.Run(o => ApplyBan(s, o)));
        cluster.On<BansLiftedSignal>(s => context.Sanctions.Bans.Remove(s.RoomKey, s.Kind, s.Target));
        cluster.On<MuteChangedSignal>(s => InRoom(s.RoomKey, (room, o) =>
            room.SetMute(s.NameKey, s.Mute, new ModerationEvent(s.Mute is null ? ModerationEvent.Unmuted : ModerationEvent.Muted, room.Name, s.UserName, s.By, s.Reason, s.Mute?.ExpiresAt, s.At), o)));
        cluster.On<ModeratorChangedSignal>(s => InRoom(s.RoomKey, (room, o) =>
            room.SetModerator(s.AccountKey, s.Moderator, new ModerationEvent(ModerationEvent.RoleChanged, room.Name, s.UserName, s.By, null, null, s.At) { Detail = s.Moderator ? "moderator" : "member" }, o)));
        cluster.On<TopicChangedSignal>(s => InRoom(s.RoomKey, (room, o) => room.SetTopic(s.Topic, s.By, s.At, o)));
        cluster.On<TopicLockChangedSignal>(s => InRoom(s.RoomKey, (room, o) => room.SetTopicLock(s.Locked, s.By, s.At, o)));
        cluster.On<MessageDeletedSignal>(s => slowConsumers.Run(o =>
        {
            if (Conversations.Find(s.ConversationKey) is { } conversation)
            {
                conversation.MarkDeleted(s.Seq, s.By, new DeletedEvent(conversation.Name, s.MessageId, s.Seq, s.By, s.At), o);
                conversation.RefreshQuotes(s.MessageId, null);
                conversation.SetPinned(s.Seq, s.MessageId, new Pins.PinEvent(conversation.Name, s.MessageId, s.Seq, s.By, s.At, pinned: false), o); // the store dropped its pin
            }
        }));
        cluster.On<AdminChangedSignal>(s => Online.SetAdmin(s.AccountKey, s.Admin));
        cluster.On<CredentialsRevokedSignal>(admission.EndRevokedSessions);
        cluster.On<RoomDeletedSignal>(s => Conversations.DropDeleted(s.RoomKey));
        var resync = new ModerationResync(context, admission);
        cluster.OnResynchronize(resync.Start);
    }

    /// <summary>A ban comes into force here: it joins the ban list, and its target's connections here are removed.</summary>
    public void ApplyBan(BanAddedSignal signal, List<ChatSession> overflowed)
    {
        var ban = signal.Ban;
        context.Sanctions.Bans.Add(ban);
        if (ban.Kind == BanKind.Address)
        {
            // Admins are exempt from address bans, so an admin cannot lock themselves out by banning their own address.
            foreach (var victim in Online.Sessions.Where(s => !s.User.IsAdmin && s.Connection.RemoteAddress == ban.Target).GroupBy(s => s.User))
            {
                RemoveFromServer(victim.Key, LeaveReason.Banned, ban.Reason, ban.By, ModerationEvent.Banned, ban.ExpiresAt, [.. victim], ban.CreatedAt, overflowed);
            }
        }
        else if (ban.RoomKey is null)
        {
            if (Online.FindByName(ban.Target) is { } user)
            {
                RemoveFromServer(user, LeaveReason.Banned, ban.Reason, ban.By, ModerationEvent.Banned, ban.ExpiresAt, null, ban.CreatedAt, overflowed);
            }
        }
        else
        {
            var roomName = signal.RoomName ?? (Conversations.Find(ban.RoomKey) as ChatRoom)?.Name ?? ban.RoomKey;
            var name = signal.TargetName ?? Online.FindByName(ban.Target)?.Name ?? ban.Target;
            var notice = new ModerationEvent(ModerationEvent.Banned, roomName, name, ban.By, ban.Reason, ban.ExpiresAt, ban.CreatedAt);
            RemoveFromRoom(ban.RoomKey, ban.Target, name, LeaveReason.Banned, ban.Reason, ban.By, ban.CreatedAt, notice, signal.Announce, overflowed);
        }
    }

    /// <summary>
    /// A user leaves a room by force: where they are here, their devices hear <paramref name="notice"/> (a ban's) and
    /// the room hears <c>left</c>; where they are not (another node holds them) and <paramref name="announce"/>, this
    /// node's listeners of the room hear the same <c>left</c>.
    /// </summary>
    private void RemoveFromRoom(
        string roomKey, string nameKey, string userName, LeaveReason reason, string? message, string by, DateTimeOffset at, ModerationEvent? notice, bool announce, List<ChatSession> overflowed)
    {
        var room = Conversations.Find(roomKey) as ChatRoom;
        if (Online.FindByName(nameKey) is { } user && user.IsInRoom(roomKey))
        {
            if (notice is not null)
            {
                foreach (var device in user.Sessions)
                {
                    device.Connection.TryEnqueue(notice);
                }
            }

            if (room is null)
            {
                user.RemoveRoom(roomKey); // loaded wherever a device is attached, so none is
            }
            else
            {
                // Here only: the moderation signal itself reaches every node (no membership signal on top of it).
                context.Rooms.RemoveHere(user, room, reason, message, by, at, overflowed);
            }
        }
        else if (announce && room is not null)
        {
            room.RemovedElsewhere(nameKey, new LeftEvent(room.Name, userName, reason, message, at) { By = by }, overflowed);
        }
    }

    /// <summary>
    /// Disconnects a user here (every device, or only <paramref name="connections"/>): each connection is told
    /// <paramref name="noticeKind"/> first, rooms hear <c>left</c> with <paramref name="reason"/>, connections close after flushing.
    /// </summary>
    private void RemoveFromServer(
        ChatUser target, LeaveReason reason, string? message, string by, string noticeKind, DateTimeOffset? until, ChatSession[]? connections, DateTimeOffset at, List<ChatSession> overflowed)
    {
        var notice = new ModerationEvent(noticeKind, null, target.Name, by, message, until, at);
        var leaving = connections ?? target.Sessions;
        foreach (var session in leaving)
        {
            session.Connection.TryEnqueue(notice);
        }

        if (connections is null)
        {
            foreach (var key in target.Rooms)
            {
                if (Conversations.Find(key) is ChatRoom room)
                {
                    room.RemoveUser(target, reason, message, at, overflowed, by, serverWide: true);
                }
            }
        }

        foreach (var session in leaving)
        {
            admission.Retire(session, reason);
            session.Connection.Close(flush: true);
        }
    }

    /// <summary>A change to a room's state, made only where the room is loaded (a node loads the stored state later).</summary>
    private void InRoom(string roomKey, Action<ChatRoom, List<ChatSession>> change)
    {
        if (Conversations.Find(roomKey) is ChatRoom room)
        {
            slowConsumers.Run(o => change(room, o));
        }
    }
}
