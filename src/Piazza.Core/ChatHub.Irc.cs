using Piazza.Core.Conversations;
using Piazza.Core.Rooms;

namespace Piazza.Core;

/// <summary>
/// What IRC's user queries (WHOIS, WHO, WHOWAS, ISON, USERHOST, LUSERS) ask that no other door does: one user by name,
/// a room's operators, and the server's counts. Each answer shows only what the asker may see.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>How long LUSERS' count of rooms is reused: counting reads the store, and LUSERS may be sent at the frame rate.</summary>
    private static readonly TimeSpan RoomCountReuse = TimeSpan.FromSeconds(30);

    private CountedRooms? _roomCount;

    /// <summary>
    /// A user by name as <paramref name="asker"/> may see them: online here (with their rooms when
    /// <paramref name="withRooms"/>), online on another node (an account's rooms from its memberships; a guest's are
    /// not known there), or an offline account (no rooms; null with <paramref name="onlineOnly"/>, which spares the store
    /// read). Private rooms hidden from the asker are left out. Null when nobody has the name.
    /// </summary>
    public async Task<UserLookup?> LookUpUserAsync(ChatSession asker, string? name, bool withRooms, bool onlineOnly = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(asker);
        if (!UserNamePolicy.IsValid(name, out _))
        {
            return null;
        }

        var nameKey = UserNamePolicy.Fold(name!);
        var away = _presence.Away.Of(nameKey);
        if (_online.FindByName(nameKey) is { } local)
        {
            var rooms = withRooms ? VisibleRooms(asker, local.Key, local.Rooms.Select(_conversations.Find)) : [];
            var since = local.Sessions.Select(s => s.ConnectedAt).DefaultIfEmpty().Min();
            return new UserLookup(local.Name, true, local.IsRegistered, local.IsBot, local.IsAdmin, away, since == default ? null : since, rooms);
        }

        var claim = await _online.Claims.FindAsync(nameKey, cancellationToken).ConfigureAwait(false);
        if (claim is null && onlineOnly)
        {
            return null;
        }

        var account = claim is { Registered: false } ? null : await _hub.Store.FindAccountAsync(nameKey, cancellationToken).ConfigureAwait(false);
        if (claim is null && account is null)
        {
            return null;
        }

        var admin = account is not null && await _hub.Store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false);
        var remoteRooms = new List<Conversation?>();
        if (claim is not null && account is not null && withRooms)
        {
            foreach (var key in await _hub.Store.RoomsOfAsync(account.Key, cancellationToken).ConfigureAwait(false))
            {
                if (_presence.Remote.IsPresent(key, nameKey))
                {
                    remoteRooms.Add(await _conversations.LoadExistingAsync(key).ConfigureAwait(false));
                }
            }
        }

        return new UserLookup(claim?.Name ?? account!.Name, claim is not null, account is not null, account?.Bot == true, admin, claim is null ? null : away, null,
            VisibleRooms(asker, account?.Key, remoteRooms));
    }

    /// <summary>Who holds operator rank (<c>@</c>) in a room the asker may see: its owner and moderators.</summary>
    public async Task<HubResult<RoomRanks>> RoomRanksAsync(ChatSession asker, string? room)
    {
        ArgumentNullException.ThrowIfNull(asker);
        if (!RoomNamePolicy.IsValid(room, out _))
        {
            return PrivateRooms.NoSuchRoom(room);
        }

        var key = RoomNamePolicy.Fold(RoomNamePolicy.Normalize(room!));
        return await _conversations.LoadExistingAsync(key).ConfigureAwait(false) is ChatRoom chatRoom && !(chatRoom.IsPrivate && PrivateRooms.HiddenFrom(asker.User, key))
            ? HubResult<RoomRanks>.Ok(new RoomRanks(chatRoom))
            : PrivateRooms.NoSuchRoom(room);
    }

    /// <summary>
    /// The server's counts for LUSERS: users connected here, users connected anywhere (at least those the lobby holds),
    /// nodes, admins connected here and rooms stored.
    /// </summary>
    public async Task<ServerCounts> CountServerAsync(CancellationToken cancellationToken = default)
    {
        var users = _online.Sessions.Select(s => s.User).Distinct().ToList();
        var lobby = (_conversations.Find(RoomNamePolicy.Fold(LobbyName)) as ChatRoom)?.PresentCount ?? 0;
        var now = _hub.Now;
        if (Volatile.Read(ref _roomCount) is not { } counted || now - counted.At > RoomCountReuse)
        {
            var stored = await _hub.Store.CountAsync(cancellationToken).ConfigureAwait(false);
            counted = new CountedRooms(now, stored.Rooms);
            Volatile.Write(ref _roomCount, counted);
        }

        var nodes = 1 + _presence.LiveNodes.Count(n => n != NodeId);
        return new ServerCounts(users.Count, Math.Max(users.Count, lobby), nodes, users.Count(u => u.IsAdmin), counted.Rooms);
    }

    private sealed record CountedRooms(DateTimeOffset At, long Rooms);

    private static List<(string Room, bool Operator)> VisibleRooms(ChatSession asker, string? userKey, IEnumerable<Conversation?> rooms)
    {
        var visible = new List<(string, bool)>();
        foreach (var conversation in rooms)
        {
            if (conversation is ChatRoom room && !(room.IsPrivate && PrivateRooms.HiddenFrom(asker.User, room.Key)))
            {
                visible.Add((room.Name, userKey is not null && (room.Owner == userKey || room.IsModerator(userKey))));
            }
        }

        return visible;
    }
}

/// <summary>
/// A user as <see cref="ChatHub.LookUpUserAsync"/> found them: <see cref="Online"/> somewhere, an account or a guest,
/// a bot, a server admin, their away text, when their first connection here began, and the rooms the asker may see
/// them in (with whether they are its owner or a moderator).
/// </summary>
public sealed record UserLookup(string Name, bool Online, bool Registered, bool Bot, bool Admin, string? Away, DateTimeOffset? Since, IReadOnlyList<(string Room, bool Operator)> Rooms);

/// <summary>A room's ranks as <see cref="ChatHub.RoomRanksAsync"/> found them.</summary>
public sealed class RoomRanks
{
    private readonly ChatRoom _room;

    internal RoomRanks(ChatRoom room) => _room = room;

    public string Name => _room.Name;

    public bool Private => _room.IsPrivate;

    /// <summary>Whether the named user (present in the room) is its owner, a guest owner of its own room included, or one of its moderators.</summary>
    public bool IsOperator(string user)
    {
        var nameKey = UserNamePolicy.Fold(user);
        return (_room.Owner is { } owner && IdentityKey.NameKeyOf(owner) == nameKey) || _room.IsModerator(IdentityKey.OfAccount(nameKey));
    }
}

/// <summary>The server's counts (<see cref="ChatHub.CountServerAsync"/>).</summary>
public sealed record ServerCounts(int LocalUsers, int GlobalUsers, int Nodes, int AdminsHere, long Rooms);
