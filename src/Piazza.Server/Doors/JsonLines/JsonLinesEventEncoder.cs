using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Encodes hub events as protocol v1 JSON lines; one instance serves every native connection.
/// <paramref name="httpPort"/> tells <c>welcome</c> where the HTTP door listens (known only once the host has started).
/// </summary>
public sealed class JsonLinesEventEncoder(string serverName, Func<int?>? httpPort = null, Func<int?>? httpsPort = null) : IEventEncoder
{
    public int Slot => EventEncoderSlots.JsonLines;

    public byte[] Encode(ChatEvent chatEvent) => FrameCodec.EncodeLine(ToFrame(chatEvent));

    /// <summary>Maps a hub event to its wire frame; the WebSocket door reuses this mapping.</summary>
    public ServerFrame ToFrame(ChatEvent chatEvent) => chatEvent switch
    {
        MessageEvent m => MessageJson.ToFrame(m),
        HistoryEvent h => new ServerFrame { Type = FrameTypes.History, Re = h.RequestId, Room = h.Room, Messages = [.. h.Messages.Select(MessageJson.ToFrame)], More = h.More ? true : null, FirstSeq = h.FirstSeq },
        JoinedEvent j => new ServerFrame { Type = FrameTypes.Joined, Room = j.Room, User = j.User, Ts = WireTimestamp.Format(j.Timestamp), Guest = j.Guest ? true : null, Away = j.Away, Bot = j.Bot ? true : null },
        LeftEvent l => new ServerFrame { Type = FrameTypes.Left, Room = l.Room, User = l.User, Reason = l.Reason.ToWire(), Message = l.Message, By = l.By, Scope = l.ServerWide ? LeaveScopes.Server : null, Ts = WireTimestamp.Format(l.Timestamp) },
        RoomStateEvent r => new ServerFrame
        {
            Type = FrameTypes.Room,
            Room = r.Room,
            Topic = r.Topic,
            Owner = r.Owner is { } owner ? IdentityKey.NameKeyOf(owner) : null,
            Users = ToUserInfos(r.Users),
            Moderators = r.Moderators,
            Locked = r.TopicLocked,
            Private = r.Private ? true : null,
            Seq = r.Counts?.Seq,
            Read = r.Counts?.Read,
            Unread = r.Counts?.Unread,
            Mentions = r.Counts is { } counts ? MentionsField.OfCount(counts.Mentions) : null,
            Count = r.Count,
            Next = r.Next,
            Pinned = r.Pinned,
        }.With(r.Retention),
        PresenceEvent p => new ServerFrame
        {
            Type = FrameTypes.Presence,
            Room = p.Room,
            Joined = p.Joined.Count > 0 ? ToUserInfos(p.Joined) : null,
            Left = p.Left.Count > 0 ? [.. p.Left.Select(l => new DepartureInfo { User = l.User, Reason = l.Reason.ToWire(), Message = l.Message })] : null,
            Count = p.Count,
            JoinedTotal = p.JoinedTotal > p.Joined.Count ? p.JoinedTotal : null,
            LeftTotal = p.LeftTotal > p.Left.Count ? p.LeftTotal : null,
            Ts = WireTimestamp.Format(p.Timestamp),
        },
        Core.Rooms.InvitedEvent i => new ServerFrame { Type = FrameTypes.Invited, Room = i.Room, By = i.By, Ts = WireTimestamp.Format(i.Timestamp) },
        Core.Rooms.RoomSetEvent rs => new ServerFrame { Type = FrameTypes.RoomSet, Room = rs.Room, Private = rs.Private, By = rs.By, Ts = WireTimestamp.Format(rs.Timestamp) },
        Core.Retention.RetentionEvent e => new ServerFrame { Type = FrameTypes.Retention, Room = e.Room, By = e.By, Ts = WireTimestamp.Format(e.Timestamp) }.With(e.Retention),
        TopicEvent t => new ServerFrame { Type = FrameTypes.Topic, Room = t.Room, Topic = t.Topic, By = t.By, Locked = t.Locked, Ts = WireTimestamp.Format(t.Timestamp) },
        Core.Editing.EditedEvent e => new ServerFrame
        {
            Type = FrameTypes.Edited,
            Room = e.Room,
            Msg = e.MessageId,
            Seq = e.Seq,
            Text = e.Text,
            EditedAt = WireTimestamp.Format(e.EditedAt),
            By = e.By,
            Mentions = MentionsField.Of(e.Mentions),
        },
        Core.Pins.PinEvent p => new ServerFrame { Type = p.Pinned ? FrameTypes.Pinned : FrameTypes.Unpinned, Room = p.Room, Msg = p.MessageId, Seq = p.Seq, By = p.By, Ts = WireTimestamp.Format(p.Timestamp) },
        DeletedEvent d => new ServerFrame { Type = FrameTypes.Deleted, Room = d.Room, Msg = d.MessageId, Seq = d.Seq, By = d.By, Ts = WireTimestamp.Format(d.Timestamp) },
        ModerationEvent e => new ServerFrame
        {
            Type = e.Kind,
            Room = e.Room,
            User = e.User,
            By = e.By,
            Reason = e.Reason,
            Until = e.Until is { } until ? WireTimestamp.Format(until) : null,
            Role = e.Kind == ModerationEvent.RoleChanged ? e.Detail : null,
            Ts = WireTimestamp.Format(e.Timestamp),
        },
        WelcomeEvent w => new ServerFrame
        {
            Type = FrameTypes.Welcome,
            User = w.User,
            Server = serverName,
            Protocol = ProtocolConstants.Version,
            Registered = w.Registered,
            Token = w.Token,
            Room = ChatHub.LobbyName,
            Rooms = [.. w.Rooms.Select(r => new RoomInfo { Room = r })],
            Users = ToUserInfos(w.LobbyUsers),
            Count = w.LobbyCount,
            Motd = w.Motd,
            HttpPort = httpPort?.Invoke(),
            HttpsPort = httpsPort?.Invoke(),
            Admin = w.Admin ? true : null,
            Conversations = [.. w.Conversations.Select(ToConversationInfo)],
        },
        ReadEvent e => new ServerFrame { Type = FrameTypes.Read, Room = e.Room, Seq = e.Seq },
        ShutdownEvent s => new ServerFrame { Type = FrameTypes.Shutdown, Message = s.Message },
        AwayEvent a => new ServerFrame { Type = FrameTypes.Away, User = a.User, Text = a.Text, Ts = WireTimestamp.Format(a.Timestamp) },
        TypingEvent t => new ServerFrame { Type = FrameTypes.Typing, Room = t.Room, User = t.User },
        ReactionEvent r => new ServerFrame { Type = FrameTypes.Reaction, Room = r.Room, Msg = r.MessageId, Seq = r.Seq, Emoji = r.Emoji, User = r.User, On = r.On },
        SessionRevokedEvent v => new ServerFrame { Type = FrameTypes.Error, Code = ErrorCode.SessionRevoked.ToWire(), Message = v.Message },
        _ => throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "no wire form for this event"),
    };

    /// <summary>One conversation's read state as <c>welcome</c> and REST <c>GET /api/conversations</c> write it.</summary>
    public static ConversationInfo ToConversationInfo(ReadCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return new() { Room = counts.Room, Seq = counts.Seq, Read = counts.Read, Unread = counts.Unread, Mentions = counts.Mentions };
    }

    public static List<UserInfo> ToUserInfos(IReadOnlyList<PresenceEntry> users)
    {
        var list = new List<UserInfo>(users.Count);
        foreach (var entry in users)
        {
            list.Add(new UserInfo { User = entry.User, Since = WireTimestamp.Format(entry.Since), Guest = entry.Guest ? true : null, Away = entry.Away, Bot = entry.Bot ? true : null });
        }

        return list;
    }
}
