namespace Piazza.Core.Storage;

/// <summary>
/// Retention (docs/retention.md): each room's own setting, and cutting a conversation's oldest messages. A cut is a
/// seq: every message below <see cref="HistoryStart.FirstSeq"/> was removed except pinned ones, and the store keeps
/// that seq so history can say where it now begins. Cuts are idempotent (two nodes may run them at once).
/// </summary>
public interface IRetentionStore
{
    /// <summary>Sets a room's own retention in days (0 keeps its messages for good; null follows the server's setting).</summary>
    Task SetRoomRetentionAsync(string roomKey, int? days, CancellationToken cancellationToken = default);

    /// <summary>A room's own retention in days; null when it follows the server's setting (or there is no such room).</summary>
    Task<int?> RoomRetentionAsync(string roomKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> conversations after <paramref name="afterKey"/> (ordinal order) that retention may
    /// cut: every room (with its own setting) and every private conversation; with <paramref name="ownSettingOnly"/>
    /// only rooms that have their own setting.
    /// </summary>
    Task<IReadOnlyList<RetentionScope>> RetentionScopesAsync(string? afterKey, int limit, bool ownSettingOnly, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes, in one transaction, up to <paramref name="maxMessages"/> of the conversation's oldest messages sent before
    /// <paramref name="before"/> (in seq order, stopping at the first younger one), except pinned ones, with their search
    /// entries, reactions, mentions and edit versions; a file share no remaining message carries goes, and a file
    /// shared nowhere any more is deleted (returned, for its blob). Records the cut (at <paramref name="now"/>).
    /// Reads before it takes the writer, so a conversation with nothing to cut costs one read.
    /// </summary>
    Task<RetentionCut> CutHistoryAsync(string conversation, DateTimeOffset before, int maxMessages, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Where a conversation's history begins after retention cut it; null when it was never cut.</summary>
    Task<HistoryStart?> HistoryStartAsync(string conversation, CancellationToken cancellationToken = default);
}

/// <summary>A conversation retention may cut; <see cref="RoomDays"/> is a room's own setting (null: the server's).</summary>
public sealed record RetentionScope(string Conversation, int? RoomDays);

/// <summary>Every message below <see cref="FirstSeq"/> was removed by retention (at <see cref="CutAt"/>), pinned ones excepted.</summary>
public sealed record HistoryStart(long FirstSeq, DateTimeOffset CutAt);

/// <summary>
/// What one <see cref="IRetentionStore.CutHistoryAsync"/> did: messages removed, where history begins now (null when
/// never cut), whether nothing older is left to cut (<see cref="Done"/>), the shares dropped and the files deleted.
/// </summary>
public sealed record RetentionCut(int Removed, long? FirstSeq, bool Done, int SharesRemoved, IReadOnlyList<ReclaimedFile> Files)
{
    public static RetentionCut Nothing(long? firstSeq) => new(0, firstSeq, true, 0, []);
}

/// <summary>A file deleted because no conversation shares it any more; its blob goes when no other file has its content.</summary>
public sealed record ReclaimedFile(string FileId, string Sha256, int SameContentRemaining);
