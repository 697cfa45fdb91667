using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Online;
using Piazza.Core.Ports;

namespace Piazza.Core.Rooms;

/// <summary>
/// Joins and leaves made on another node, applied to the user's connections on this one: every device of a user is
/// in the same rooms wherever it is connected. Applied one at a time in the order signalled (a join entering a room
/// reads the store, so the bus's loop hands the work on rather than wait for it).
/// </summary>
internal sealed class RemoteMembership
{
    private readonly HubContext _hub;
    private readonly OnlineDirectory _online;
    private readonly ConversationCache _conversations;
    private readonly Attacher _attacher;
    private readonly RoomService _rooms;
    private readonly ClusterPresence _presence;
    private readonly SlowConsumers _slowConsumers;
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public RemoteMembership(
        HubContext hub, OnlineDirectory online, ConversationCache conversations, Attacher attacher, RoomService rooms, ClusterPresence presence, SlowConsumers slowConsumers)
    {
        _hub = hub;
        _online = online;
        _conversations = conversations;
        _attacher = attacher;
        _rooms = rooms;
        _presence = presence;
        _slowConsumers = slowConsumers;
        if (hub.Bus is not SingleNodeBus)
        {
            hub.Cluster.On<MemberJoinedSignal>(OnJoined);
            hub.Cluster.On<MemberLeftSignal>(OnLeft);
        }
    }

    /// <summary>Completes once every membership change signalled so far is applied (tests; shutdown).</summary>
    public Task Applied
    {
        get
        {
            lock (_gate)
            {
                return _tail;
            }
        }
    }

    private void OnJoined(MemberJoinedSignal signal)
    {
        if (_online.FindByIdentity(signal.Identity) is { } user)
        {
            Then(() => EnterAsync(user, signal.Room));
        }
    }

    private void OnLeft(MemberLeftSignal signal)
    {
        // Presence first, in the bus's order: the room says left now to those who saw the user through other nodes.
        var departure = new Departure(signal.Reason, signal.Message, signal.By);
        _presence.ForgetEverywhere(signal.Room, signal.User, departure);
        if (_online.FindByIdentity(signal.Identity) is { } user)
        {
            Then(() =>
            {
                if (_conversations.Find(signal.Room) is ChatRoom room)
                {
                    _slowConsumers.Run(overflowed => _rooms.RemoveHere(user, room, signal.Reason, signal.Message, signal.By, _hub.Now, overflowed));
                }
                else
                {
                    user.RemoveRoom(signal.Room);
                }

                return Task.CompletedTask;
            });
        }
    }

    /// <summary>Every device of the user enters the room, as a join on this node does (the other node checked the limits and stored the membership).</summary>
    private async Task EnterAsync(ChatUser user, string roomKey)
    {
        if (!user.AddRoom(roomKey))
        {
            return;
        }

        if (await _conversations.LoadAsync(roomKey).ConfigureAwait(false) is not ChatRoom room)
        {
            user.RemoveRoom(roomKey);
            return;
        }

        var counts = await _rooms.ReadCountsAsync(user, room).ConfigureAwait(false);
        foreach (var device in user.Sessions)
        {
            await _attacher.AttachAsync(device, room, null, counts, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Then(Func<Task> apply)
    {
        lock (_gate)
        {
            _tail = _tail.ContinueWith(async _ =>
            {
                try
                {
                    await apply().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // a store that failed must not stop the membership changes after this one
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _hub.Observer?.StoreUnavailable(ex);
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }
}
