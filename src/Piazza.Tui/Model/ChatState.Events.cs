using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>The client library's events applied to the chat: lines, users, topics, conversations entered and left.</summary>
internal sealed partial class ChatState
{
    /// <summary>Applies one event; events the chat does not show are ignored.</summary>
    public void Apply(PiazzaEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case Welcomed welcomed:
                ApplyWelcome(welcomed.Welcome);
                break;
            case ConnectionStateChanged change:
                ApplyConnection(change);
                break;
            case RoomEntered room:
                var entered = Ensure(room.Room);
                entered.Topic = room.Topic;
                entered.Owner = room.Owner;
                entered.Retention = room.Retention;
                SetPrivateRoom(entered, room.Private);
                entered.Users.Clear();
                entered.Users.UnionWith(room.Members.Select(m => m.Name));
                entered.UserCount = room.Count;
                entered.Moderators.Clear();
                entered.Moderators.UnionWith(room.Moderators);
                RememberAway(room.Members);
                UsersChanged?.Invoke(entered);
                TopicChanged?.Invoke(entered);
                ApplyCounts(room.ReadState);
                ApplyPinned(entered, room.Pinned);
                break;
            case ReadPositionChanged read:
                ApplyRead(read.Conversation, read.Seq);
                break;
            case PrivateConversationEntered privateConversation:
                Ensure(privateConversation.Conversation);
                break;
            case MessageReceived received:
                var to = ConversationOf(received.Message);
                AddMessage(to, received.Message, history: received.Replayed);
                StopTyping(to, received.Message.From);
                break;
            case UserAway away:
                ApplyAway(away);
                break;
            case UserTyping typing:
                ApplyTyping(typing);
                break;
            case MemberJoined joined:
                var joinedRoom = Ensure(joined.Room);
                if (joinedRoom.AddUser(joined.User))
                {
                    UsersChanged?.Invoke(joinedRoom);
                }

                AddLine(joinedRoom, new ChatLine(TimeOf(joined.At), ChatLineKind.Joined, joined.User, $"{joined.User} joined"));
                break;
            case MemberLeft left:
                ApplyLeft(left);
                break;
            case MembersChanged batch:
                ApplyMembersChanged(batch);
                break;
            case TopicChanged topic:
                var changed = Ensure(topic.Room);
                changed.Topic = topic.Topic;
                TopicChanged?.Invoke(changed);
                var by = topic.By is null ? "" : $"{topic.By} ";
                AddLine(changed, new ChatLine(TimeOf(topic.At), ChatLineKind.System, topic.By, string.IsNullOrEmpty(topic.Topic) ? $"{by}cleared the topic" : $"{by}set the topic: {topic.Topic}"));
                break;
            case RetentionChanged retention:
                ApplyRetention(retention);
                break;
            case Invited or RoomPrivacyChanged:
                ApplyPrivateRoom(e);
                break;
            case MessagePinned or MessageUnpinned:
                ApplyPins(e);
                break;
            case ServerShuttingDown shutdown:
                AddSystem(shutdown.Message is { Length: > 0 } m ? "server: " + m : "the server is shutting down");
                break;
            case ServerError error:
                AddError(error.Message);
                break;
            default:
                ApplyModeration(e);
                break;
        }
    }

    private void ApplyConnection(ConnectionStateChanged change)
    {
        var was = Connection;
        Connection = change.State;
        ConnectionDetail = change.Detail;
        ConnectedServer = change.Server;
        NextAttemptAt = change.NextAttemptAt;
        ConnectionChanged?.Invoke();
        if (change.State == ConnectionState.Connected && was == ConnectionState.Reconnecting && change.Server is { } server)
        {
            AddSystem($"reconnected to {server}");
        }

        // Once per loss: the failed attempts that follow only update the status line's countdown.
        if (change.State == ConnectionState.Reconnecting && was != ConnectionState.Reconnecting)
        {
            AddError($"connection lost: {change.Detail ?? "no reason given"}; reconnecting (Enter retries now)…");
        }
    }

    /// <summary>Deletions, kicks, bans, mutes and roles: a line that says who did what, and state changes.</summary>
    private void ApplyModeration(PiazzaEvent e)
    {
        static string Reason(string? reason) => string.IsNullOrEmpty(reason) ? "" : $": {reason}";
        static string Until(DateTimeOffset? until) => until is { } end ? $" until {end.LocalDateTime:yyyy-MM-dd HH:mm}" : "";
        switch (e)
        {
            case MessageEdited edited:
                ApplyEdit(edited);
                break;
            case ReactionChanged reaction:
                ApplyReaction(reaction);
                break;
            case MessageDeleted deleted:
                if (Find(deleted.Conversation) is { } holder && holder.MarkDeleted(deleted.Seq, $"(message deleted by {deleted.By})"))
                {
                    LinesReplaced?.Invoke(holder);
                }

                break;
            case KickedFromServer kicked:
                RemovedFromServer = $"you were kicked from the server by {kicked.By}{Reason(kicked.Reason)}";
                AddLine(Current, new ChatLine(TimeOf(kicked.At), ChatLineKind.Error, kicked.By, RemovedFromServer));
                break;
            case BannedByModerator { Room: null } banned:
                RemovedFromServer = $"you were banned from the server by {banned.By}{Until(banned.Until)}{Reason(banned.Reason)}";
                AddLine(Current, new ChatLine(TimeOf(banned.At), ChatLineKind.Error, banned.By, RemovedFromServer));
                break;
            case BannedByModerator banned:
                AddLine(Find(banned.Room!) ?? Current, new ChatLine(TimeOf(banned.At), ChatLineKind.Error, banned.By, $"you were banned from {banned.Room} by {banned.By}{Until(banned.Until)}{Reason(banned.Reason)}"));
                break;
            case MuteChanged mute:
                var self = string.Equals(mute.User, Self, StringComparison.OrdinalIgnoreCase);
                var verb = mute.Muted ? "muted" : "unmuted";
                AddLine(Ensure(mute.Room), new ChatLine(TimeOf(mute.At), ChatLineKind.System, mute.By, $"{(self ? "you were" : mute.User + " was")} {verb} by {mute.By}{(mute.Muted ? Until(mute.Until) : "")}{Reason(mute.Reason)}"));
                break;
            case RoleChanged role:
                var roomState = Ensure(role.Room);
                _ = role.Moderator ? roomState.Moderators.Add(role.User) : roomState.Moderators.Remove(role.User);
                AddLine(roomState, new ChatLine(TimeOf(role.At), ChatLineKind.System, role.By, $"{role.By} {(role.Moderator ? "made" : "removed")} {role.User} {(role.Moderator ? "a moderator" : "as moderator")}"));
                break;
        }
    }

    private void ApplyWelcome(Welcome welcome)
    {
        Self = welcome.User.Length > 0 ? welcome.User : Self;
        IsAdmin = welcome.Admin;
        IsGuest = !welcome.Registered;
        var rooms = welcome.Rooms.ToList();
        if (rooms.Count == 0)
        {
            rooms.Add(ProtocolConstants.Lobby);
        }

        foreach (var room in rooms)
        {
            Ensure(room);
        }

        // A fresh client starts with the lobby; drop it if this account has left the lobby.
        if (!_welcomed && Find(ProtocolConstants.Lobby) is { } lobby && !rooms.Contains(ProtocolConstants.Lobby, StringComparer.OrdinalIgnoreCase))
        {
            _conversations.Remove(lobby);
            ConversationsChanged?.Invoke();
        }

        foreach (var counts in welcome.Conversations)
        {
            ApplyCounts(counts);
        }

        if (!_welcomed)
        {
            SwitchTo(Find(ProtocolConstants.Lobby) ?? Find(rooms[0])!);
        }

        if (Find(ProtocolConstants.Lobby) is { } welcomeRoom)
        {
            SetUsers(welcomeRoom, welcome.Online.Select(m => m.Name).Append(Self));
            welcomeRoom.UserCount = welcome.OnlineCount; // a busy lobby's welcome lists its first page only
        }

        var verb = _welcomed ? "reconnected" : "connected";
        _welcomed = true;
        RemovedFromServer = null;

        // The welcome lists the lobby's users, and every connection starts in the lobby: the server's "online".
        var online = Math.Max(welcome.OnlineCount, Math.Max(1, welcome.Online.Select(m => m.Name).Append(Self).Distinct(StringComparer.OrdinalIgnoreCase).Count()));
        AddSystem($"{verb} as {Self} · {online} {(online == 1 ? "person" : "people")} online · /help for commands");
        if (verb == "connected" && !string.IsNullOrWhiteSpace(welcome.Motd))
        {
            AddSystem(welcome.Motd);
        }
    }

    private void AddMessages(ConversationState conversation, IReadOnlyList<ChatMessage> messages)
    {
        var replaced = false;
        foreach (var message in messages.OrderBy(m => m.Seq))
        {
            replaced |= AddMessage(conversation, message, history: true, raiseReplaced: false);
        }

        if (replaced)
        {
            LinesReplaced?.Invoke(conversation);
        }
    }

    /// <summary>Adds one message; returns true when it went somewhere other than the end.</summary>
    private bool AddMessage(ConversationState conversation, ChatMessage message, bool history, bool raiseReplaced = true)
    {
        var own = string.Equals(message.From, Self, StringComparison.OrdinalIgnoreCase);
        if (own && ConfirmPendingByEcho(conversation, message))
        {
            return true;
        }

        var line = new ChatLine(TimeOf(message.At), own ? ChatLineKind.OwnMessage : ChatLineKind.Message, message.From, MessageText(message))
        {
            Seq = message.Seq,
            File = message.Deleted ? null : message.File,
            MessageId = message.Id,
            Deleted = message.Deleted,
            MentionsMe = !own && IsMentionOfSelf(message.Mentions),
            Edited = message.EditedAt is not null && !message.Deleted,
            Reply = message.Deleted ? null : message.Reply,
            Reactions = message.Deleted ? [] : message.Reactions,
            Pinned = conversation.IsPinned(message.Id), // marked here too: the view draws the line it is given
            Bot = message.Bot,
        };
        if (!conversation.AddMessage(line, out var prepended))
        {
            return false;
        }

        if (prepended)
        {
            if (raiseReplaced)
            {
                LinesReplaced?.Invoke(conversation);
            }

            return true;
        }

        CountNews(conversation, line, own, history);
        LineAdded?.Invoke(conversation, line, history);
        return false;
    }

    private void ApplyLeft(MemberLeft left)
    {
        var room = left.Room;
        var reasonText = left.Reason?.ToWire();
        if (string.Equals(left.User, Self, StringComparison.OrdinalIgnoreCase) && left.Reason == LeaveReason.Left)
        {
            // We left (here or on another device).
            var wasShown = ReferenceEquals(Find(room), Current);
            Remove(room);
            if (wasShown)
            {
                AddSystem($"you left {room}");
            }

            return;
        }

        var conversation = Ensure(room);
        var self = string.Equals(left.User, Self, StringComparison.OrdinalIgnoreCase);

        // Removed ourselves: nobody there is known any more (the room stays listed with the line saying why).
        if (self ? conversation.Users.Count > 0 : conversation.RemoveUser(left.User))
        {
            if (self)
            {
                conversation.Users.Clear();
                conversation.UserCount = 0;
            }

            UsersChanged?.Invoke(conversation);
        }

        if (self && RemovedFromServer is { } removed && left.Reason is LeaveReason.Kicked or LeaveReason.Banned)
        {
            // The rooms' side of a server-wide kick or ban: not a kick from this room. The current one said it already.
            if (!ReferenceEquals(conversation, Current))
            {
                AddLine(conversation, new ChatLine(TimeOf(left.At), ChatLineKind.Error, left.By, removed));
            }

            return;
        }

        if (left.By is { } by && left.Reason is LeaveReason.Kicked or LeaveReason.Banned)
        {
            // A moderator removed them: say who and why, as clearly as the event allows.
            var why = string.IsNullOrEmpty(left.Message) ? "" : $": {left.Message}";
            var who = self ? "you were" : $"{left.User} was";
            var from = left.ServerWide ? "the server" : room;
            AddLine(conversation, new ChatLine(TimeOf(left.At), ChatLineKind.Left, left.User, $"{who} {reasonText} from {from} by {by}{why}"));
            return;
        }

        var reason = reasonText is null ? "" : $" ({reasonText})";
        AddLine(conversation, new ChatLine(TimeOf(left.At), ChatLineKind.Left, left.User, $"{left.User} left{reason}"));
    }

    private ConversationState ConversationOf(ChatMessage message)
        => message.IsGroup ? EnsureGroup(message) : message.IsPrivate || message.To is not null ? Ensure(message.Conversation, PeerOf(message)) : Ensure(message.Conversation);

    /// <summary>The other participant of a private message: the recipient of our own, else the sender.</summary>
    private string? PeerOf(ChatMessage message)
        => string.Equals(message.From, Self, StringComparison.OrdinalIgnoreCase) ? message.To : message.From;

    /// <summary>The other participant from an id like <c>@alice,~bob~3f9a0c2e7b1d4a65</c> (a guest's key is <c>~name~random</c>).</summary>
    private string? PeerFromId(string id)
    {
        var names = id[1..].Split(',').Select(NameOfKey).ToArray();
        var self = Self.ToLowerInvariant();
        return names.FirstOrDefault(n => n != self) ?? names[0];
    }

    private static string NameOfKey(string key) => key.StartsWith('~') ? key[1..].Split('~')[0] : key;
}
