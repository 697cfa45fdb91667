using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Core.Online;
using Piazza.Protocol;

namespace Piazza.Core.Rooms;

/// <summary>
/// Private rooms and invitations. A private room is unlisted and, to anyone who may not see it, answers every request
/// exactly as a room that does not exist (<c>no_such_room</c>, the same text). Who may see one: its members (the
/// stored membership of an account, kept across reconnects and ended by a leave, a kick or a ban; in memory
/// <see cref="ChatUser.IsInRoom"/>) and admins. Who may enter one: those, its owner and moderators, and an account with
/// an invitation, which the join uses up. Guests can neither create private rooms nor be invited (no stored identity).
/// </summary>
internal sealed class PrivateRooms(HubContext hub, OnlineDirectory online, ConversationCache conversations, RoomService rooms, SlowConsumers slowConsumers)
{
    /// <summary>Whether a private room (its folded name <paramref name="roomKey"/>) is hidden from the user: not a member, not an admin.</summary>
    public static bool HiddenFrom(ChatUser user, string roomKey) => !user.IsInRoom(roomKey) && !user.IsAdmin;

    /// <summary>What a request about a room the asker may not see is answered: what a room that does not exist is.</summary>
    public static HubError NoSuchRoom(string? requested) => new(ErrorCode.NoSuchRoom, $"there is no room '{requested}'");

    /// <summary>
    /// Null when the user may enter <paramref name="room"/> (not private; a member, owner, moderator or admin; or an
    /// invitation, used up now); otherwise the refusal (<c>no_such_room</c> as <paramref name="requested"/> was spelled).
    /// </summary>
    public static async Task<HubError?> AdmitAsync(HubContext hub, ChatUser user, ChatRoom room, string requested, CancellationToken cancellationToken)
    {
        if (!room.IsPrivate || !HiddenFrom(user, room.Key))
        {
            return null;
        }

        if (!user.IsRegistered)
        {
            return NoSuchRoom(requested);
        }

        if (room.Owner == user.Key || room.IsModerator(user.Key))
        {
            return null;
        }

        // Checked before the invitation is used, so a join the room limit refuses does not cost it; a room that does
        // not exist answers the same at the limit, so this tells a prober nothing.
        if (hub.Options.MaxRoomsPerUser is > 0 and var maxRooms && user.RoomCount >= maxRooms)
        {
            return new HubError(ErrorCode.TooManyRooms, $"you are in {maxRooms} rooms already; leave one first");
        }

        return await hub.Store.RemoveInvitationAsync(room.Key, user.Key, cancellationToken).ConfigureAwait(false) ? null : NoSuchRoom(requested);
    }

    public void Register(ClusterReceiver cluster)
    {
        cluster.On<RoomPrivacyChangedSignal>(s =>
        {
            if (conversations.Find(s.RoomKey) is ChatRoom room)
            {
                slowConsumers.Run(o => room.SetPrivate(s.Private, new RoomSetEvent(room.Name, s.Private, s.By, s.At), o));
            }
        });
        cluster.On<InvitedSignal>(s => Tell(s.AccountKey, new InvitedEvent(s.RoomName, s.By, s.At)));
    }

    /// <summary>Makes a room private or public (its owner, moderators, admins); the room hears <c>room_set</c>.</summary>
    public async Task<HubResult<string>> SetPrivateAsync(ChatSession session, string? room, bool? isPrivate, CancellationToken cancellationToken)
    {
        if (isPrivate is not { } value)
        {
            return new HubError(ErrorCode.BadRequest, "\"private\" must be true or false");
        }

        var resolved = await rooms.ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        var user = session.User;
        if (chatRoom.Key == ChatHub.LobbyName)
        {
            return new HubError(ErrorCode.Forbidden, "the lobby is open to everyone");
        }

        if (!user.IsRegistered || Ranks.In(chatRoom, user) < ModerationRank.Moderator)
        {
            return new HubError(ErrorCode.Forbidden, $"only the owner and moderators of '{chatRoom.Name}' can make it {(value ? "private" : "public")}");
        }

        await hub.Store.SetRoomPrivateAsync(chatRoom.Key, value, cancellationToken).ConfigureAwait(false);
        hub.Enact(new RoomPrivacyChangedSignal(chatRoom.Key, value, user.Name, hub.Now));
        return HubResult<string>.Ok(chatRoom.Name);
    }

    /// <summary>
    /// Invites an account to a room (<paramref name="withdraw"/>: withdraws the invitation): its members may when the
    /// server lets them (<see cref="ChatHubOptions.MembersMayInvite"/>), otherwise its owner, moderators and admins.
    /// The invitee's connections, on every node, hear <c>invited</c>. Returns the room's and the invitee's names.
    /// </summary>
    public async Task<HubResult<(string Room, string User)>> InviteAsync(ChatSession session, string? room, string? invitee, bool withdraw, CancellationToken cancellationToken)
    {
        var user = session.User;
        if (!user.IsRegistered)
        {
            return new HubError(ErrorCode.Forbidden, "guests cannot invite; register first");
        }

        var resolved = await rooms.ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        if (!hub.Options.MembersMayInvite && Ranks.In(chatRoom, user) < ModerationRank.Moderator)
        {
            return new HubError(ErrorCode.Forbidden, $"only the owner and moderators of '{chatRoom.Name}' can invite to it");
        }

        if (!UserNamePolicy.IsValid(invitee, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var key = UserNamePolicy.Fold(UserNamePolicy.Normalize(invitee!));
        if (await hub.Store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return online.FindByName(key) is { IsRegistered: false }
                ? new HubError(ErrorCode.Forbidden, $"'{invitee}' is a guest: guests cannot be invited (they have no account)")
                : new HubError(ErrorCode.NoSuchUser, $"there is no user '{invitee}'");
        }

        if (withdraw)
        {
            await hub.Store.RemoveInvitationAsync(chatRoom.Key, account.Key, cancellationToken).ConfigureAwait(false);
            return HubResult<(string, string)>.Ok((chatRoom.Name, account.Name));
        }

        if ((await hub.Store.RoomsOfAsync(account.Key, cancellationToken).ConfigureAwait(false)).Contains(chatRoom.Key))
        {
            return new HubError(ErrorCode.BadRequest, $"'{account.Name}' is in '{chatRoom.Name}' already");
        }

        var at = hub.Now;
        await hub.Store.AddInvitationAsync(new Storage.InvitationRecord(chatRoom.Key, account.Key, user.Name, at), cancellationToken).ConfigureAwait(false);
        hub.Enact(new InvitedSignal(account.Key, chatRoom.Name, user.Name, at));
        return HubResult<(string, string)>.Ok((chatRoom.Name, account.Name));
    }

    /// <summary>Tells a connection that just logged in of its account's open invitations (they outlive restarts).</summary>
    public async Task TellOpenInvitationsAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (!session.User.IsRegistered)
        {
            return;
        }

        foreach (var invitation in await hub.Store.InvitationsOfAsync(session.User.Key, cancellationToken).ConfigureAwait(false))
        {
            if (await conversations.LoadAsync(invitation.RoomKey).ConfigureAwait(false) is ChatRoom room && !session.User.IsInRoom(room.Key))
            {
                var notice = new InvitedEvent(room.Name, invitation.By, invitation.At);
                slowConsumers.Run(o =>
                {
                    if (!session.Connection.TryEnqueue(notice))
                    {
                        o.Add(session);
                    }
                });
            }
        }
    }

    private void Tell(string accountKey, ChatEvent notice)
    {
        if (online.FindByName(accountKey) is not { IsRegistered: true } user || user.Key != accountKey)
        {
            return;
        }

        slowConsumers.Run(o =>
        {
            foreach (var device in user.Sessions)
            {
                if (!device.Connection.TryEnqueue(notice))
                {
                    o.Add(device);
                }
            }
        });
    }
}
