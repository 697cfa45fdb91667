using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Online;

namespace Piazza.Core.Moderation;

/// <summary>
/// After the cluster bus was cut off, signals sent meanwhile may be lost; the store has every change, so this node
/// rereads what it holds in memory: the bans (a ban it had not heard of is applied as its signal would have been),
/// each loaded room's moderators, mutes, topic lock and topic, and whether its sessions' tokens are still valid.
/// Runs in the background (the bus loop must not block); one run at a time, a request during a run runs once more after.
/// </summary>
internal sealed class ModerationResync(ModerationContext context, Admission admission)
{
    private int _state; // 0 idle, 1 running, 2 running and asked again

    /// <summary>Asks for a resynchronisation (the receiver's <c>OnResynchronize</c>); never blocks.</summary>
    public void Start()
    {
        if (Interlocked.Increment(ref _state) == 1)
        {
            _ = Task.Run(RunAsync);
        }
        else
        {
            Interlocked.Exchange(ref _state, 2);
        }
    }

    private async Task RunAsync()
    {
        do
        {
            Interlocked.Exchange(ref _state, 1);
            try
            {
                await ReloadAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the store may be down too: it is logged, and the next resynchronisation tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                context.Hub.Observer?.StoreFailed(ex);
            }
        }
        while (Interlocked.CompareExchange(ref _state, 0, 1) != 1);
    }

    private async Task ReloadAsync()
    {
        var hub = context.Hub;
        var store = hub.Store;
        var unseen = context.Sanctions.Bans.Replace(await store.ActiveBansAsync(hub.Now).ConfigureAwait(false));
        foreach (var ban in unseen)
        {
            hub.Cluster.OnSignal(new BanAddedSignal(ban, null, null, Announce: false)); // here only: each node rereads for itself
        }

        foreach (var room in context.Conversations.Loaded.OfType<ChatRoom>().ToList())
        {
            room.Restore(await store.RoomModerationAsync(room.Key).ConfigureAwait(false));
            var stored = await store.FindRoomAsync(room.Key).ConfigureAwait(false);
            if (stored is not null && stored.Topic != room.Topic)
            {
                hub.Cluster.OnSignal(new TopicChangedSignal(room.Key, stored.Topic, ChatHub.ServerName, hub.Now));
            }

            if (stored is not null && stored.Private != room.IsPrivate)
            {
                hub.Cluster.OnSignal(new RoomPrivacyChangedSignal(room.Key, stored.Private, ChatHub.ServerName, hub.Now));
            }
        }

        foreach (var tokenSessions in context.Online.Sessions.Where(s => s.User.IsRegistered && s.Token is not null).GroupBy(s => s.Token!))
        {
            var hash = SessionTokens.HashOf(tokenSessions.Key);
            if (await store.FindTokenAccountAsync(hash, hub.Now).ConfigureAwait(false) is null)
            {
                admission.EndRevokedSessions(new CredentialsRevokedSignal(tokenSessions.First().User.Key, hash, null));
            }
        }

    }
}
