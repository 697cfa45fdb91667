using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Moderation;
using Piazza.Core.Rooms;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Retention;

/// <summary>
/// Retention (docs/retention.md): each room's own setting (its owner and admins), and the run that removes messages
/// past their conversation's retention through the store, chunk by chunk, and drops them from memory on every node.
/// </summary>
internal sealed class RetentionService(HubContext hub, ConversationCache conversations, RoomService rooms, SlowConsumers slowConsumers)
{
    /// <summary>
    /// Messages removed per store transaction: small enough that the message log's appends, which share SQLite's one
    /// writer, wait a few milliseconds at most; big enough that a year of a busy room goes in a few thousand steps.
    /// </summary>
    internal const int ChunkMessages = 500;

    /// <summary>Conversations read per page of the scan.</summary>
    private const int ScopePage = 500;

    public void Register(ClusterReceiver receiver)
    {
        receiver.On<HistoryCutSignal>(s => conversations.Find(s.ConversationKey)?.DropBefore(s.FirstSeq));
        receiver.On<RetentionChangedSignal>(s =>
        {
            if (conversations.Find(s.RoomKey) is ChatRoom room)
            {
                var now = new RoomRetention(room.Name, s.OwnDays, RetentionRules.DaysFor(s.OwnDays, hub.Options.Retention.Days));
                slowConsumers.Run(o => room.SetRetention(new RetentionEvent(now, s.By, s.At), o));
            }
        });
        receiver.OnResynchronize(() => _ = Task.Run(ReloadAsync));
    }

    /// <summary>
    /// Removes every message past its conversation's retention at the hub's time, pinned ones excepted. Idempotent: a
    /// second run (here or on another node at once) finds nothing more to remove.
    /// </summary>
    public async Task<RetentionReport> ApplyAsync(CancellationToken cancellationToken)
    {
        var serverDays = hub.Options.Retention.Days;
        var now = hub.Now;
        var cuts = new List<ConversationCut>();
        var examined = 0;
        string? after = null;
        while (true)
        {
            var page = await hub.Store.RetentionScopesAsync(after, ScopePage, ownSettingOnly: serverDays == 0, cancellationToken).ConfigureAwait(false);
            foreach (var scope in page)
            {
                examined++;
                var days = RetentionRules.DaysFor(scope, serverDays);
                if (RetentionRules.CutoffAt(days, now) is { } before
                    && await CutAsync(scope.Conversation, days, before, now, cancellationToken).ConfigureAwait(false) is { } cut)
                {
                    cuts.Add(cut);
                }
            }

            if (page.Count < ScopePage)
            {
                return new RetentionReport(examined, cuts);
            }

            after = page[^1].Conversation;
        }
    }

    private async Task<ConversationCut?> CutAsync(string key, int days, DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (removed, shares, files, firstSeq) = (0, 0, new List<ReclaimedFile>(), (long?)null);
        while (true)
        {
            var cut = await hub.Store.CutHistoryAsync(key, before, ChunkMessages, now, cancellationToken).ConfigureAwait(false);
            if (cut is { Removed: > 0, FirstSeq: { } first })
            {
                hub.Enact(new HistoryCutSignal(key, first)); // each chunk leaves memory at once, on every node
            }

            (removed, shares, firstSeq) = (removed + cut.Removed, shares + cut.SharesRemoved, cut.FirstSeq ?? firstSeq);
            files.AddRange(cut.Files);
            if (cut.Done)
            {
                break;
            }
        }

        return removed > 0 || files.Count > 0 ? new ConversationCut(key, days, removed, firstSeq ?? 0, shares, files) : null;
    }

    /// <summary>A room's retention, for its info: a private room is no_such_room to whoever may not see it (the caller checked).</summary>
    public async Task<RoomRetention> RoomRetentionAsync(ChatRoom room, CancellationToken cancellationToken)
    {
        var own = await hub.Store.RoomRetentionAsync(room.Key, cancellationToken).ConfigureAwait(false);
        return new RoomRetention(room.Name, own, RetentionRules.DaysFor(own, hub.Options.Retention.Days));
    }

    /// <summary>
    /// Sets a room's own retention (<paramref name="days"/> 0 to <see cref="RetentionRules.MaxDays"/>, 0 for good; or
    /// <see cref="RetentionRules.ServerDefault"/>): its owner and admins, never a guest's room's guest.
    /// </summary>
    public async Task<HubResult<RoomRetention>> SetAsync(ChatSession session, string? room, int? days, CancellationToken cancellationToken)
    {
        if (days is not { } value || value < RetentionRules.ServerDefault || value > RetentionRules.MaxDays)
        {
            return new HubError(ErrorCode.BadRequest, $"\"retentionDays\" must be 0 (keep for good) to {RetentionRules.MaxDays}, or {RetentionRules.ServerDefault} for the server's setting");
        }

        var resolved = await rooms.ModeratedRoomAsync(session, room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var chatRoom = resolved.Value!;
        if (!session.User.IsRegistered || Ranks.In(chatRoom, session.User) < ModerationRank.Owner)
        {
            return new HubError(ErrorCode.Forbidden, $"only the owner of '{chatRoom.Name}' and admins can set its retention");
        }

        var own = value == RetentionRules.ServerDefault ? (int?)null : value;
        var before = await hub.Store.RoomRetentionAsync(chatRoom.Key, cancellationToken).ConfigureAwait(false);
        await hub.Store.SetRoomRetentionAsync(chatRoom.Key, own, cancellationToken).ConfigureAwait(false);
        if (before != own)
        {
            hub.Enact(new RetentionChangedSignal(chatRoom.Key, own, session.User.Name, hub.Now)); // the room hears it, on every node
        }

        return HubResult<RoomRetention>.Ok(new RoomRetention(chatRoom.Name, own, RetentionRules.DaysFor(own, hub.Options.Retention.Days)));
    }

    /// <summary>After the bus was cut off, a lost cut signal is made good: each loaded conversation rereads where its history begins.</summary>
    private async Task ReloadAsync()
    {
        try
        {
            foreach (var conversation in conversations.Loaded.ToList())
            {
                if (conversation is ChatRoom { Retention: { } held } room
                    && await hub.Store.RoomRetentionAsync(room.Key).ConfigureAwait(false) is var own && own != held.OwnDays)
                {
                    hub.Cluster.OnSignal(new RetentionChangedSignal(room.Key, own, ChatHub.ServerName, hub.Now)); // a change whose signal was lost
                }

                if (await hub.Store.HistoryStartAsync(conversation.Key).ConfigureAwait(false) is { } start)
                {
                    conversation.DropBefore(start.FirstSeq);
                }
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
