using Piazza.Core.Storage;
using Piazza.Core.Webhooks;

namespace Piazza.Core;

/// <summary>Webhooks of rooms (docs/http-api.md, "Webhooks"): incoming ones post as their bot, outgoing ones are kept for the server's worker.</summary>
public sealed partial class ChatHub
{
    private readonly WebhookService _webhooks;
    private readonly PublishedMessages _published;

    /// <summary>Raised with a conversation's key when one of its messages stored by this node is delivered here; handlers must not block.</summary>
    public event Action<string>? MessageStored
    {
        add => _published.Stored += value;
        remove => _published.Stored -= value;
    }

    /// <summary>The store's webhooks (the outgoing webhooks' worker reads and leases them).</summary>
    public IWebhookStore WebhookStore => _hub.Store;

    /// <summary>The store, for the outgoing webhooks' worker (room messages after a cursor, rooms, admins).</summary>
    public IChatStore Store => _hub.Store;

    /// <summary>Creates an incoming webhook (the room's owner or an admin) and its bot account; the secret is shown only now.</summary>
    public Task<HubResult<NewIncomingWebhook>> CreateIncomingWebhookAsync(ChatSession session, string? room, string? name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _webhooks.CreateIncomingAsync(session, room, name, cancellationToken);
    }

    public Task<HubResult<IReadOnlyList<IncomingWebhookInfo>>> IncomingWebhooksAsync(ChatSession session, string? room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _webhooks.ListIncomingAsync(session, room, cancellationToken);
    }

    /// <summary>Deletes a webhook of a room (<paramref name="outgoing"/>: an outgoing one); answers its id.</summary>
    public Task<HubResult<string>> DeleteWebhookAsync(ChatSession session, string? room, string? id, bool outgoing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _webhooks.DeleteAsync(session, room, id, outgoing, cancellationToken);
    }

    /// <summary>Posts as the bot of the incoming webhook with this secret; completes once the message is durable and delivered.</summary>
    public Task<HubResult<SendOutcome>> PostToWebhookAsync(string? secret, string? text, IChatConnection sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return _webhooks.PostAsync(secret, text, sink, cancellationToken);
    }

    /// <summary>Registers an outgoing webhook; <paramref name="destinationProblem"/> is the server's allow-list check.</summary>
    public Task<HubResult<OutgoingWebhookInfo>> CreateOutgoingWebhookAsync(ChatSession session, string? room, string? url, IReadOnlyList<string>? triggers, Func<Uri, HubError?> destinationProblem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(destinationProblem);
        return _webhooks.CreateOutgoingAsync(session, room, url, triggers, destinationProblem, cancellationToken);
    }

    /// <summary>A room's outgoing webhooks with their delivery state and up to <paramref name="failures"/> newest failures each.</summary>
    public Task<HubResult<IReadOnlyList<OutgoingWebhookInfo>>> OutgoingWebhooksAsync(ChatSession session, string? room, int failures = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _webhooks.ListOutgoingAsync(session, room, failures, cancellationToken);
    }
}
