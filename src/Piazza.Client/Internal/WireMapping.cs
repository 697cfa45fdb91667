using System.Globalization;
using Piazza.Protocol;

namespace Piazza.Client.Internal;

/// <summary>The one place wire frames become the library's typed results and events.</summary>
internal static class WireMapping
{
    public static DateTimeOffset? Time(string? wire)
        => DateTimeOffset.TryParse(wire, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    public static Member ToMember(UserInfo user) => new(user.User, Time(user.Since)) { Away = user.Away, Bot = user.Bot == true };

    public static IReadOnlyList<Member> ToMembers(IReadOnlyList<UserInfo>? users) => [.. (users ?? []).Select(ToMember)];

    public static Welcome ToWelcome(ServerFrame frame) => new(
        frame.User ?? "",
        [.. (frame.Rooms ?? []).Select(r => r.Room)],
        ToMembers(frame.Users),
        frame.Motd)
    {
        Admin = frame.Admin == true,
        Registered = frame.Registered == true,
        Server = frame.Server,
        HttpPort = frame.HttpPort,
        HttpsPort = frame.HttpsPort,
        Conversations = [.. (frame.Conversations ?? []).Select(c => new ConversationReadState(c.Room, c.Seq, c.Read, c.Unread, c.Mentions))],
        OnlineCount = frame.Count ?? frame.Users?.Count ?? 0,
    };

    public static ChatMessage ToMessage(ServerFrame frame, string? conversation = null) => new(
        frame.Room ?? conversation ?? ProtocolConstants.Lobby,
        frame.Seq ?? 0,
        frame.Id ?? "",
        frame.From ?? "",
        frame.To?.Single,
        frame.Text ?? "",
        Time(frame.Ts))
    {
        Group = frame.To is { IsList: true } group ? group.Names : null,
        File = frame.File is { } file ? new SharedFile(file.Id, file.Name, file.Size ?? 0, file.Mime, file.Sha256) : null,
        Deleted = frame.Deleted == true,
        Bot = frame.Bot == true,
        Mentions = frame.Mentions?.Keys ?? [],
        EditedAt = Time(frame.EditedAt),
        Reply = frame.Reply is { } quote ? new MessageQuote(quote.Msg, quote.Seq, quote.From, quote.Text ?? "", quote.Deleted == true) : null,
        Reactions = [.. (frame.Reactions ?? []).Select(r => new MessageReaction(r.Emoji, r.Users))],
    };

    public static RoomSummary ToRoom(RoomInfo room) => new(room.Room, room.Topic, room.Members ?? 0, room.Joined == true) { Private = room.Private == true };

    public static SentMessage ToSent(ServerFrame ok, string conversation) => new(ok.Room ?? conversation, ok.Seq ?? 0, ok.Msg ?? "", ok.Duplicate == true);

    /// <summary>
    /// Why the server removed us, in words: "kicked from the server by alice: spam", "banned from the server by alice
    /// until 2026-12-01 00:00 UTC: spam" (the moderator and reason as given; <c>operator</c> is the server's console).
    /// </summary>
    public static string RemovedFromServer(string verb, ServerFrame frame)
    {
        var by = string.IsNullOrEmpty(frame.By) ? "" : $" by {frame.By}";
        var until = Time(frame.Until) is { } end ? $" until {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : "";
        var reason = string.IsNullOrEmpty(frame.Reason) ? "" : $": {frame.Reason}";
        return $"{verb} from the server{by}{until}{reason}";
    }

    /// <summary>A room's retention from a <c>room</c>, <c>retention</c> or <c>ok</c> frame; null when it carries none.</summary>
    public static RoomRetention? ToRetention(ServerFrame frame)
        => frame.RetentionDays is { } days ? new RoomRetention(days, frame.RetentionSource == RetentionSources.Room) : null;

    /// <summary>A refusal from an <c>error</c> frame.</summary>
    public static PiazzaException ToException(ServerFrame error, string fallback)
        => new(PiazzaFailure.Refused, error.Message ?? error.Code ?? fallback, error.Code ?? "error") { RetryAfter = Seconds(error.RetryAfter) };

    /// <summary>
    /// The events a pushed frame carries: one, several (a history page is one <see cref="MessageReceived"/> per message,
    /// flagged as replayed) or none (frames that are not events).
    /// </summary>
    public static IEnumerable<PiazzaEvent> ToEvents(ServerFrame frame)
    {
        var room = frame.Room ?? ProtocolConstants.Lobby;
        var at = Time(frame.Ts);
        switch (frame.Type)
        {
            case FrameTypes.Message:
                yield return new MessageReceived(ToMessage(frame), Replayed: false);
                break;
            case FrameTypes.History when frame.Room is { } conversation:
                if (conversation.StartsWith('@'))
                {
                    yield return new PrivateConversationEntered(conversation);
                }

                if (frame.FirstSeq is { } firstSeq)
                {
                    yield return new HistoryBegins(conversation, firstSeq);
                }

                foreach (var message in (frame.Messages ?? []).OrderBy(m => m.Seq))
                {
                    yield return new MessageReceived(ToMessage(message, conversation), Replayed: true);
                }

                break;
            case FrameTypes.Room when frame.Room is not null:
                yield return new RoomEntered(room, frame.Topic, frame.Owner, ToMembers(frame.Users), frame.Moderators ?? [], frame.Locked == true)
                {
                    Private = frame.Private == true,
                    ReadState = frame.Read is { } read ? new ConversationReadState(room, frame.Seq ?? 0, read, frame.Unread ?? 0, frame.Mentions?.Count ?? 0) : null,
                    Count = frame.Count ?? frame.Users?.Count ?? 0,
                    Next = frame.Next,
                    Pinned = frame.Pinned ?? [],
                    Retention = ToRetention(frame),
                };
                break;
            case FrameTypes.Retention when frame.Room is not null && ToRetention(frame) is { } retention:
                yield return new RetentionChanged(room, retention, frame.By, at);
                break;
            case FrameTypes.Invited when frame.Room is not null:
                yield return new Invited(room, frame.By ?? "", at);
                break;
            case FrameTypes.RoomSet when frame.Room is not null:
                yield return new RoomPrivacyChanged(room, frame.Private == true, frame.By, at);
                break;
            case FrameTypes.Read when frame.Seq is { } readSeq && frame.Room is not null:
                yield return new ReadPositionChanged(room, readSeq);
                break;
            case FrameTypes.Presence when frame.Room is not null:
                yield return new MembersChanged(
                    room,
                    ToMembers(frame.Joined),
                    [.. (frame.Left ?? []).Select(l => new MemberLeft(room, l.User, WireNames.TryParse(l.Reason, out LeaveReason why) ? why : null, null, l.Message, at))],
                    at)
                {
                    Count = frame.Count,
                    JoinedTotal = frame.JoinedTotal ?? frame.Joined?.Count ?? 0,
                    LeftTotal = frame.LeftTotal ?? frame.Left?.Count ?? 0,
                };
                break;
            case FrameTypes.Joined when frame.User is { } user:
                yield return new MemberJoined(room, user, at);
                break;
            case FrameTypes.Left when frame.User is { } user:
                yield return new MemberLeft(room, user, WireNames.TryParse(frame.Reason, out LeaveReason reason) ? reason : null, frame.By, frame.Message, at, frame.Scope == LeaveScopes.Server);
                break;
            case FrameTypes.Topic when frame.Room is not null:
                yield return new TopicChanged(room, frame.Topic, frame.By, frame.Locked, at);
                break;
            case FrameTypes.Edited when frame.Seq is { } editedSeq:
                yield return new MessageEdited(room, editedSeq, frame.Msg ?? "", frame.Text ?? "", frame.By, Time(frame.EditedAt)) { Mentions = frame.Mentions?.Keys ?? [] };
                break;
            case FrameTypes.Deleted when frame.Seq is { } seq:
                yield return new MessageDeleted(room, seq, frame.Msg ?? "", frame.By, at);
                break;
            case FrameTypes.Pinned when frame.Seq is { } pinnedSeq:
                yield return new MessagePinned(room, pinnedSeq, frame.Msg ?? "", frame.By, at);
                break;
            case FrameTypes.Unpinned when frame.Seq is { } unpinnedSeq:
                yield return new MessageUnpinned(room, unpinnedSeq, frame.Msg ?? "", frame.By, at);
                break;
            case FrameTypes.Kicked:
                yield return new KickedFromServer(frame.By, frame.Reason, at);
                break;
            case FrameTypes.Banned:
                yield return new BannedByModerator(frame.Room, frame.By, frame.Reason, Time(frame.Until), at);
                break;
            case FrameTypes.Muted or FrameTypes.Unmuted when frame.User is { } user:
                yield return new MuteChanged(room, user, frame.Type == FrameTypes.Muted, frame.By, frame.Reason, Time(frame.Until), at);
                break;
            case FrameTypes.Role when frame.User is { } user:
                yield return new RoleChanged(room, user, frame.Role == "moderator", frame.By, at);
                break;
            case FrameTypes.Away when frame.User is { } user:
                yield return new UserAway(user, frame.Text, at);
                break;
            case FrameTypes.Typing when frame.User is { } user && frame.Room is not null:
                yield return new UserTyping(room, user);
                break;
            case FrameTypes.Reaction when frame is { User: { } user, Emoji: { } emoji, Seq: { } seq }:
                yield return new ReactionChanged(room, frame.Msg ?? "", seq, emoji, user, frame.On == true);
                break;
            case FrameTypes.Shutdown:
                yield return new ServerShuttingDown(frame.Message);
                break;
            case FrameTypes.Error:
                yield return new ServerError(WireNames.TryParse(frame.Code, out ErrorCode code) ? code : null, frame.Code, frame.Message ?? frame.Code ?? "error");
                break;
        }
    }
}
