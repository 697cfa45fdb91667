using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Cluster;

/// <summary>Why a user is no longer present in a room, as the room's <c>left</c> says it.</summary>
/// <summary>Why a user left a room; <paramref name="ServerWide"/> when a kick or ban removed them from the whole server.</summary>
internal readonly record struct Departure(LeaveReason Reason, string? Message = null, string? By = null, DateTimeOffset? At = null, bool ServerWide = false);

/// <summary>
/// Presence across the nodes of a cluster. Each node knows its own connections and tells the others when a user
/// becomes present in a room here or stops being present here (<see cref="UserPresentSignal"/>,
/// <see cref="UserAbsentSignal"/>); it keeps what the others told in <see cref="Remote"/>, and its rooms announce
/// <c>joined</c> and <c>left</c> only when a user's presence changes cluster-wide. Liveness needs nothing from the bus
/// but signals: every node sends a heartbeat every <see cref="HeartbeatInterval"/>; one not heard for
/// <see cref="NodeTimeout"/> is gone and its users leave (reason <c>lost</c>) where nobody else holds them. A node
/// that may have missed signals (it started, its bus came back, it heard a node it did not know) sends a snapshot of
/// its presence and asks the others for theirs. On a node alone (<see cref="SingleNodeBus"/>) none of this runs.
/// </summary>
internal sealed class ClusterPresence : IDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>Five heartbeats missed: long enough for a GC pause or a slow bus, short enough for users to notice.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(10);

    private readonly HubContext _hub;
    private readonly Func<string, ChatRoom?> _loadedRoom;
    private readonly SlowConsumers _slowConsumers;
    private readonly bool _alone;
    private readonly string _incarnation = Guid.NewGuid().ToString("N");

    // This node's own presence, changed and published under one lock so a snapshot is never older than a change
    // published before it (the bus keeps each node's order).
    private readonly Lock _publishing = new();
    private readonly Dictionary<(string Room, string NameKey), PresentUser> _local = [];

    private readonly Lock _nodesGate = new();
    private readonly Dictionary<string, (string? Incarnation, DateTimeOffset LastHeard)> _nodes = new(StringComparer.Ordinal);
    private readonly ITimer? _heartbeat;

    public ClusterPresence(HubContext hub, Func<string, ChatRoom?> loadedRoom, SlowConsumers slowConsumers)
    {
        _hub = hub;
        _loadedRoom = loadedRoom;
        _slowConsumers = slowConsumers;
        _alone = hub.Bus is SingleNodeBus;
        if (_alone)
        {
            return;
        }

        var cluster = hub.Cluster;
        cluster.On<NodeHeartbeatSignal>(s => Heard(s.Node, s.Incarnation));
        cluster.On<UserPresentSignal>(OnPresent);
        cluster.On<UserAbsentSignal>(OnAbsent);
        cluster.On<PresenceSnapshotSignal>(OnSnapshot);
        cluster.OnResynchronize(() => PublishSnapshot(answerRequested: true));
        _heartbeat = hub.Time.CreateTimer(_ => Beat(), null, HeartbeatInterval, HeartbeatInterval);
    }

    private string Node => _hub.Bus.NodeId;

    /// <summary>The one slow-consumer policy, for presence fan-outs that start on a timer (a room's coalesced joins and leaves).</summary>
    public SlowConsumers SlowConsumers => _slowConsumers;

    /// <summary>The clock the rooms coalesce joins and leaves on.</summary>
    public TimeProvider PresenceTime => _hub.PresenceTime;

    /// <summary>What the other nodes hold present.</summary>
    public RemotePresence Remote { get; } = new();

    /// <summary>Who is away, on any node (user lists show it next to each name).</summary>
    public Away.AwayBook Away { get; } = new();

    /// <summary>The nodes heard from within <see cref="NodeTimeout"/>.</summary>
    public IReadOnlyList<string> LiveNodes
    {
        get
        {
            lock (_nodesGate)
            {
                return [.. _nodes.Keys];
            }
        }
    }

    /// <summary>A user became present in a room on this node. Called under the room's lock; never blocks.</summary>
    public void LocalPresent(string room, ChatUser user, DateTimeOffset since)
    {
        if (_alone)
        {
            return;
        }

        lock (_publishing)
        {
            var present = new PresentUser(room, user.Name, since, !user.IsRegistered, user.IsBot);
            _local[(room, user.NameKey)] = present;
            _hub.Bus.Publish(new UserPresentSignal(Node, room, user.Name, since, !user.IsRegistered, user.IsBot));
        }
    }

    /// <summary>A user is no longer present in a room on this node. Called under the room's lock; never blocks.</summary>
    public void LocalAbsent(string room, ChatUser user, Departure departure)
    {
        if (_alone)
        {
            return;
        }

        lock (_publishing)
        {
            _local.Remove((room, user.NameKey));
            _hub.Bus.Publish(new UserAbsentSignal(Node, room, user.Name, departure.Reason, departure.Message, departure.By, departure.ServerWide));
        }
    }

    /// <summary>
    /// A user left the room on every device (signalled by another node): no node holds them there any more, and the
    /// room, if loaded here, says <c>left</c> now to those who saw them.
    /// </summary>
    public void ForgetEverywhere(string room, string user, Departure departure)
    {
        var nameKey = UserNamePolicy.Fold(user);
        if (_loadedRoom(room) is { } chatRoom)
        {
            _slowConsumers.Run(overflowed => chatRoom.ForgetRemote(nameKey, user, departure, overflowed));
        }
        else
        {
            Remote.RemoveEverywhere(room, nameKey);
        }
    }

    public void Dispose() => _heartbeat?.Dispose();

    private void OnPresent(UserPresentSignal signal)
    {
        Touch(signal.Node);
        if (Remote.Add(signal.Node, new PresentUser(signal.Room, signal.User, signal.Since, signal.Guest, signal.Bot)))
        {
            Reconcile(signal.Room, signal.User, new Departure(LeaveReason.Lost));
        }
    }

    private void OnAbsent(UserAbsentSignal signal)
    {
        Touch(signal.Node);
        if (Remote.Remove(signal.Node, signal.Room, UserNamePolicy.Fold(signal.User)))
        {
            Reconcile(signal.Room, signal.User, new Departure(signal.Reason, signal.Message, signal.By, ServerWide: signal.ServerWide));
        }
    }

    private void OnSnapshot(PresenceSnapshotSignal signal)
    {
        lock (_nodesGate)
        {
            _nodes[signal.Node] = (signal.Incarnation, _hub.Now);
        }

        foreach (var changed in Remote.Replace(signal.Node, signal.Users))
        {
            Reconcile(changed.Room, changed.User, new Departure(LeaveReason.Lost));
        }

        if (signal.AnswerRequested)
        {
            PublishSnapshot(answerRequested: false);
        }
    }

    /// <summary>A heartbeat: a node not known (new, restarted, or back after it was given up) gets this node's snapshot and is asked for its own.</summary>
    private void Heard(string node, string incarnation)
    {
        bool restarted;
        bool unknown;
        lock (_nodesGate)
        {
            unknown = !_nodes.TryGetValue(node, out var known);
            restarted = !unknown && known.Incarnation is { } previous && previous != incarnation;
            _nodes[node] = (incarnation, _hub.Now);
        }

        if (restarted)
        {
            Drop(node); // what its previous process held is gone with it
        }

        if (unknown || restarted)
        {
            PublishSnapshot(answerRequested: true);
        }
    }

    /// <summary>A presence change from a node not known: known from now on, and snapshots are exchanged.</summary>
    private void Touch(string node)
    {
        bool unknown;
        lock (_nodesGate)
        {
            unknown = !_nodes.ContainsKey(node);
            if (unknown)
            {
                _nodes[node] = (null, _hub.Now);
            }
        }

        if (unknown)
        {
            PublishSnapshot(answerRequested: true);
        }
    }

    private void Beat()
    {
        _hub.Bus.Publish(new NodeHeartbeatSignal(Node, _incarnation));
        var silentSince = _hub.Now - NodeTimeout;
        List<string> silent;
        lock (_nodesGate)
        {
            silent = [.. _nodes.Where(n => n.Value.LastHeard < silentSince).Select(n => n.Key)];
            foreach (var node in silent)
            {
                _nodes.Remove(node);
            }
        }

        foreach (var node in silent)
        {
            _hub.Observer?.ClusterNodeSilent(node);
            Drop(node);
        }
    }

    /// <summary>Forgets everything a node held; its users leave (reason <c>lost</c>) wherever nobody else holds them.</summary>
    private void Drop(string node)
    {
        foreach (var gone in Remote.Replace(node, []))
        {
            Reconcile(gone.Room, gone.User, new Departure(LeaveReason.Lost));
        }
    }

    private void PublishSnapshot(bool answerRequested)
    {
        lock (_publishing)
        {
            _hub.Bus.Publish(new PresenceSnapshotSignal(Node, _incarnation, [.. _local.Values], answerRequested));
        }
    }

    private void Reconcile(string room, string user, Departure departure)
    {
        if (_loadedRoom(room) is { } chatRoom)
        {
            _slowConsumers.Run(overflowed => chatRoom.Reconcile(UserNamePolicy.Fold(user), user, departure, overflowed));
        }
    }
}
