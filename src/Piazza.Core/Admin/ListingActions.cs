using System.Globalization;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Moderation;
using Piazza.Protocol;

namespace Piazza.Core.Admin;

/// <summary>
/// Who is online: the users on this node with each connection's door, address and start, and the users other nodes
/// report present in rooms (their node and since when; door and address stay on their node). A user connected but in
/// no room on another node is not known here (docs/admin.md).
/// </summary>
internal sealed class ListOnlineUsersAction(RemotePresence remote, string? cursor, int? limit) : ModerationAction<OnlineUserPage>
{
    public override Task<HubResult<ModerationPlan<OnlineUserPage>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return Task.FromResult<HubResult<ModerationPlan<OnlineUserPage>>>(refused);
        }

        var size = AdminRule.PageSize(limit);
        if (!size.Succeeded)
        {
            return Task.FromResult<HubResult<ModerationPlan<OnlineUserPage>>>(size.Error!);
        }

        if (cursor is not null && !UserNamePolicy.IsValid(cursor, out _))
        {
            return Task.FromResult<HubResult<ModerationPlan<OnlineUserPage>>>(new HubError(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page (a user name)"));
        }

        var after = cursor is null ? null : UserNamePolicy.Fold(cursor);
        var users = new SortedDictionary<string, Builder>(StringComparer.Ordinal);
        Builder Of(string nameKey, string name) => users.TryGetValue(nameKey, out var b) ? b : users[nameKey] = new Builder(name);
        foreach (var session in context.Online.Sessions)
        {
            var user = session.User;
            if (session.HasEnded || (after is not null && string.CompareOrdinal(user.NameKey, after) <= 0))
            {
                continue;
            }

            var entry = Of(user.NameKey, user.Name);
            (entry.Guest, entry.Bot, entry.Admin) = (!user.IsRegistered, user.IsBot, user.IsAdmin);
            entry.Sessions.Add(new OnlineSessionEntry(context.Hub.Bus.NodeId, session.Connection.Door, session.Connection.RemoteAddress, session.ConnectedAt));
            foreach (var room in user.Rooms)
            {
                entry.Rooms.Add(RoomName(context.Conversations, room));
            }
        }

        foreach (var (node, present) in remote.Everyone())
        {
            var nameKey = UserNamePolicy.Fold(present.User);
            if (after is not null && string.CompareOrdinal(nameKey, after) <= 0)
            {
                continue;
            }

            var entry = Of(nameKey, present.User);
            (entry.Guest, entry.Bot) = (present.Guest, present.Bot);
            entry.Rooms.Add(RoomName(context.Conversations, present.Room));
            var known = entry.Sessions.FindIndex(s => s.Node == node && s.Door is null);
            if (known < 0)
            {
                entry.Sessions.Add(new OnlineSessionEntry(node, null, null, present.Since));
            }
            else if (present.Since < entry.Sessions[known].Since)
            {
                entry.Sessions[known] = entry.Sessions[known] with { Since = present.Since };
            }
        }

        var page = users.Take(size.Value + 1).ToList();
        var more = page.Count > size.Value;
        var listed = page.Take(size.Value).Select(p => p.Value.Build()).ToList();
        var result = new OnlineUserPage(listed, more ? listed[^1].Name : null);
        return Task.FromResult(HubResult<ModerationPlan<OnlineUserPage>>.Ok(new(result)
        {
            Audit = new AuditEntry(actor!.Name, "users", null, null, null, string.Create(CultureInfo.InvariantCulture, $"listed {listed.Count} online users{(cursor is null ? "" : " after " + cursor)}")),
        }));
    }

    private static string RoomName(ConversationCache conversations, string key) => conversations.Find(key)?.Name ?? key;

    private sealed class Builder(string name)
    {
        public bool Guest { get; set; }

        public bool Bot { get; set; }

        public bool Admin { get; set; }

        public SortedSet<string> Rooms { get; } = new(StringComparer.Ordinal);

        public List<OnlineSessionEntry> Sessions { get; } = [];

        public OnlineUserEntry Build() => new(name, Guest, Bot, Admin, [.. Rooms], [.. Sessions.OrderBy(s => s.Since)]);
    }
}

/// <summary>Every room, private ones included (admins see all; nobody else lists rooms through this path), by folded name.</summary>
internal sealed class ListRoomsAction(Func<string, int> presentElsewhere, string? cursor, int? limit) : ModerationAction<AdminRoomPage>
{
    public override async Task<HubResult<ModerationPlan<AdminRoomPage>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return refused;
        }

        var size = AdminRule.PageSize(limit);
        if (!size.Succeeded)
        {
            return size.Error!;
        }

        if (cursor is not null && !RoomNamePolicy.IsValid(cursor, out _))
        {
            return new HubError(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page (a room name)");
        }

        var after = cursor is null ? null : RoomNamePolicy.Fold(RoomNamePolicy.Normalize(cursor));
        var stored = await context.Hub.Store.ListRoomsAsync(after, size.Value + 1, cancellationToken).ConfigureAwait(false);
        var rooms = stored.Take(size.Value).Select(summary =>
        {
            var room = summary.Room;
            var live = context.Conversations.Find(room.Key) as ChatRoom;
            return new AdminRoomEntry(live?.Name ?? room.Name, live?.Topic ?? room.Topic, live?.Owner ?? room.Owner, live?.IsPrivate ?? room.Private, summary.Members, live?.PresentCount ?? presentElsewhere(room.Key));
        }).ToList();
        var page = new AdminRoomPage(rooms, stored.Count > size.Value ? rooms[^1].Name : null);
        return HubResult<ModerationPlan<AdminRoomPage>>.Ok(new(page)
        {
            Audit = new AuditEntry(actor!.Name, "rooms", null, null, null, string.Create(CultureInfo.InvariantCulture, $"listed {rooms.Count} rooms{(cursor is null ? "" : " after " + cursor)}")),
        });
    }
}

/// <summary>One page of the audit log, newest first, before an entry id (docs/admin.md); the reading is audited too.</summary>
internal sealed class ReadAuditAction(long? before, int? limit) : ModerationAction<AuditPage>
{
    public override async Task<HubResult<ModerationPlan<AuditPage>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return refused;
        }

        var size = AdminRule.PageSize(limit);
        if (!size.Succeeded)
        {
            return size.Error!;
        }

        if (before is < 1)
        {
            return new HubError(ErrorCode.BadRequest, "\"cursor\" must be the \"next\" of an earlier page (an entry id)");
        }

        var rows = await context.Hub.Store.ReadAuditPageAsync(before, size.Value + 1, cancellationToken).ConfigureAwait(false);
        var entries = rows.Take(size.Value).ToList();
        var page = new AuditPage(entries, rows.Count > size.Value ? entries[^1].Id : null);
        return HubResult<ModerationPlan<AuditPage>>.Ok(new(page)
        {
            Audit = new AuditEntry(actor!.Name, "audit", null, null, null, string.Create(CultureInfo.InvariantCulture, $"read {entries.Count} entries{(before is { } b ? $" before {b}" : "")}")),
        });
    }
}
