namespace Piazza.Core.Storage;

/// <summary>
/// Incoming and outgoing webhooks of rooms (docs/http-api.md, "Webhooks"). An incoming webhook posts as its own bot
/// account and is found by the hash of its secret. An outgoing webhook keeps a cursor (the last seq handled) and its
/// delivery state; one node at a time delivers it, holding a lease (<see cref="TryLeaseOutgoingWebhookAsync"/>).
/// </summary>
public interface IWebhookStore
{
    Task CreateIncomingWebhookAsync(IncomingWebhookRecord webhook, CancellationToken cancellationToken = default);

    /// <summary>The incoming webhook whose secret hashes to <paramref name="secretHash"/>; null when none.</summary>
    Task<IncomingWebhookRecord?> FindIncomingWebhookAsync(byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>A room's incoming webhooks, oldest first.</summary>
    Task<IReadOnlyList<IncomingWebhookRecord>> IncomingWebhooksAsync(string roomKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes an incoming webhook of the room (its bot account stays, so its name cannot be taken over); false when none.</summary>
    Task<bool> DeleteIncomingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default);

    /// <summary>Whether the account posts for an incoming webhook (its messages are not delivered to outgoing webhooks).</summary>
    Task<bool> IsWebhookAccountAsync(string accountKey, CancellationToken cancellationToken = default);

    Task CreateOutgoingWebhookAsync(OutgoingWebhookRecord webhook, CancellationToken cancellationToken = default);

    /// <summary>A room's outgoing webhooks (every room's when <paramref name="roomKey"/> is null), oldest first.</summary>
    Task<IReadOnlyList<OutgoingWebhookRecord>> OutgoingWebhooksAsync(string? roomKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes an outgoing webhook of the room and its failure records; false when none.</summary>
    Task<bool> DeleteOutgoingWebhookAsync(string roomKey, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes (or renews) the delivery lease of an outgoing webhook for <paramref name="holder"/> until
    /// <paramref name="until"/> when nobody else holds it at <paramref name="now"/>; one step, so two nodes never both win.
    /// </summary>
    Task<bool> TryLeaseOutgoingWebhookAsync(string id, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Records progress (cursor and state) and renews the lease, only while <paramref name="holder"/> holds it; false when it lost it.</summary>
    Task<bool> SaveOutgoingProgressAsync(string id, string holder, long cursor, OutgoingWebhookState state, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up (when <paramref name="holder"/> holds it), so any node may take it at once.</summary>
    Task ReleaseOutgoingWebhookAsync(string id, string holder, CancellationToken cancellationToken = default);

    /// <summary>Records a delivery given up on, keeping the newest <paramref name="keep"/> of the webhook.</summary>
    Task AddWebhookFailureAsync(WebhookFailureRecord failure, int keep, CancellationToken cancellationToken = default);

    /// <summary>The webhook's recorded failures, newest first.</summary>
    Task<IReadOnlyList<WebhookFailureRecord>> WebhookFailuresAsync(string webhookId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>An incoming webhook: it posts to <see cref="RoomKey"/> as the account <see cref="AccountKey"/> (named <see cref="Name"/>).</summary>
public sealed record IncomingWebhookRecord(string Id, string RoomKey, string Name, string AccountKey, byte[] SecretHash, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// An outgoing webhook: every new message of <see cref="RoomKey"/> after <see cref="Cursor"/> (or those whose first
/// word is one of <see cref="Triggers"/>) is POSTed to <see cref="Url"/>, signed with <see cref="Secret"/>.
/// </summary>
public sealed record OutgoingWebhookRecord(string Id, string RoomKey, string Url, IReadOnlyList<string> Triggers, string Secret, string CreatedBy, DateTimeOffset CreatedAt, long Cursor)
{
    public OutgoingWebhookState State { get; init; } = OutgoingWebhookState.Healthy;
}

/// <summary>
/// Where an outgoing webhook's delivery stands: the attempts made at the message after the cursor, when the next may
/// be made, the last answer, since when deliveries fail (null while they succeed) and how many were given up on.
/// </summary>
public sealed record OutgoingWebhookState(
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? FailingSince,
    long Failed)
{
    public static OutgoingWebhookState Healthy { get; } = new(0, null, null, null, null, null, 0);
}

/// <summary>A delivery given up on after its attempts: which message, how often it was tried, the last error.</summary>
public sealed record WebhookFailureRecord(string WebhookId, string DeliveryId, long Seq, string MessageId, int Attempts, string Error, DateTimeOffset At);
