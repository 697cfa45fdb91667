using System.Text.Json.Serialization;
using Piazza.Core.Storage;

namespace Piazza.Core.Ports;

/// <summary>
/// What one node tells the others. Each kind is a record here, so an adapter can carry any of them (its JSON names are
/// the type discriminators below; add a line for each new kind).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "k")]
[JsonDerivedType(typeof(MessageStoredSignal), "message")]
[JsonDerivedType(typeof(Cluster.RemovedFromRoomSignal), "removed_from_room")]
[JsonDerivedType(typeof(Cluster.KickedFromServerSignal), "kicked_from_server")]
[JsonDerivedType(typeof(Cluster.BanAddedSignal), "ban_added")]
[JsonDerivedType(typeof(Cluster.BansLiftedSignal), "bans_lifted")]
[JsonDerivedType(typeof(Cluster.MuteChangedSignal), "mute_changed")]
[JsonDerivedType(typeof(Cluster.ModeratorChangedSignal), "moderator_changed")]
[JsonDerivedType(typeof(Cluster.TopicChangedSignal), "topic_changed")]
[JsonDerivedType(typeof(Cluster.TopicLockChangedSignal), "topic_lock_changed")]
[JsonDerivedType(typeof(Cluster.MessageDeletedSignal), "message_deleted")]
[JsonDerivedType(typeof(Cluster.AdminChangedSignal), "admin_changed")]
[JsonDerivedType(typeof(Cluster.CredentialsRevokedSignal), "credentials_revoked")]
[JsonDerivedType(typeof(Cluster.RoomDeletedSignal), "room_deleted")]
[JsonDerivedType(typeof(Cluster.NodeHeartbeatSignal), "heartbeat")]
[JsonDerivedType(typeof(Cluster.UserPresentSignal), "present")]
[JsonDerivedType(typeof(Cluster.UserAbsentSignal), "absent")]
[JsonDerivedType(typeof(Cluster.MemberJoinedSignal), "member_joined")]
[JsonDerivedType(typeof(Cluster.MemberLeftSignal), "member_left")]
[JsonDerivedType(typeof(Cluster.PresenceSnapshotSignal), "presence_snapshot")]
[JsonDerivedType(typeof(Cluster.AwayChangedSignal), "away_changed")]
[JsonDerivedType(typeof(Cluster.TypingSignal), "typing")]
[JsonDerivedType(typeof(Cluster.RoomPrivacyChangedSignal), "room_privacy_changed")]
[JsonDerivedType(typeof(Cluster.InvitedSignal), "invited")]
[JsonDerivedType(typeof(Cluster.ReadPositionSignal), "read_position")]
[JsonDerivedType(typeof(Editing.MessageEditedSignal), "message_edited")]
[JsonDerivedType(typeof(Cluster.ReactionChangedSignal), "reaction_changed")]
[JsonDerivedType(typeof(Cluster.MessagePinnedSignal), "message_pinned")]
[JsonDerivedType(typeof(Admin.RoomOwnerChangedSignal), "room_owner_changed")]
[JsonDerivedType(typeof(Cluster.HistoryCutSignal), "history_cut")]
[JsonDerivedType(typeof(Retention.RetentionChangedSignal), "retention_changed")]
public abstract record ClusterSignal;

/// <summary>A message is durable with its seq: every node delivers it to its own connections, in seq order.</summary>
public sealed record MessageStoredSignal(StoredMessage Message) : ClusterSignal;

/// <summary>
/// Receives what other nodes published. Called on the bus's own loop, one signal at a time in the order each node
/// published them; must not block (queue to outboxes only).
/// </summary>
public interface IClusterSignalHandler
{
    void OnSignal(ClusterSignal signal);

    /// <summary>
    /// The bus was cut off and is back: signals sent meanwhile may be lost, so the node rereads from the store what it
    /// holds in memory (messages after each loaded conversation's last delivered seq; presence).
    /// </summary>
    void OnResynchronize();
}

/// <summary>
/// Port: signals between the nodes of a cluster (messages stored, moderation, presence). In-process default:
/// <see cref="SingleNodeBus"/> (there are no other nodes); a cluster implements it over Redis pub/sub. Delivery is
/// at most once and may be lost while the bus is down: receivers never depend on it for durability (the store is the
/// truth and gaps are read from it).
/// </summary>
public interface IClusterBus : IAsyncDisposable
{
    /// <summary>This node's name (logs, metrics, presence).</summary>
    string NodeId { get; }

    /// <summary>Whether signals flow now (false: degraded, see <see cref="IClusterSignalHandler.OnResynchronize"/>).</summary>
    bool IsConnected { get; }

    /// <summary>Sends to every other node. Must not block; a signal published while disconnected is dropped.</summary>
    void Publish(ClusterSignal signal);

    /// <summary>Sets the one handler (the hub) before the first signal; signals from this node never come back to it.</summary>
    void Subscribe(IClusterSignalHandler handler);
}

/// <summary>The bus of a node alone: nothing to tell anyone.</summary>
public sealed class SingleNodeBus(string nodeId = "single") : IClusterBus
{
    public string NodeId { get; } = nodeId;

    public bool IsConnected => true;

    public void Publish(ClusterSignal signal)
    {
    }

    public void Subscribe(IClusterSignalHandler handler)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
