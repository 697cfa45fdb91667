using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Integrations.Webhooks;

/// <summary>
/// Delivers outgoing webhooks at least once, in seq order, on one node at a time: for each webhook with messages after
/// its cursor, the node that takes its lease in the store POSTs them one by one and advances the cursor after each 2xx
/// answer (a node that dies between the two leaves the message to be sent again, under the same delivery id). A
/// failed attempt is retried after <see cref="WebhookOptions.DelayAfter"/>; after <see cref="WebhookOptions.MaxAttempts"/>
/// the delivery is recorded as failed and the next message goes. Woken by messages stored on this node, and every
/// <see cref="WebhookOptions.PollInterval"/> for other nodes' messages and retries that came due.
/// </summary>
public sealed partial class OutgoingWebhookWorker(ChatHub hub, WebhookSender sender, WebhookOptions options, TimeProvider time, ILogger<OutgoingWebhookWorker> logger) : BackgroundService
{
    /// <summary>How long a lease lasts without progress: well over one attempt (<see cref="WebhookSender.Timeout"/>), so only a dead node's lapses.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(1);

    /// <summary>Failed deliveries kept per webhook for its owner to see.</summary>
    public const int FailuresKept = 100;

    /// <summary>Messages read from the store at once per webhook.</summary>
    private const int Page = 100;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Unique per process: two nodes (or two servers in one test process) never share a lease holder.
    private readonly string _holder = $"{hub.NodeId}/{Guid.NewGuid():N}";
    private volatile HashSet<string> _rooms = [];

    /// <summary>Looks at every webhook now (a webhook was created, or a test wants it).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hub.MessageStored += OnStored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = options.PollInterval;
                try
                {
                    if (await RunOnceAsync(stoppingToken).ConfigureAwait(false) is { } due)
                    {
                        wait = TimeSpan.FromTicks(Math.Clamp((due - time.GetUtcNow()).Ticks, 0, wait.Ticks));
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(ex);
                }

                await WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            hub.MessageStored -= OnStored;
        }
    }

    /// <summary>One pass over every outgoing webhook; answers when the earliest retry not yet made is due.</summary>
    internal async Task<DateTimeOffset?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var webhooks = await hub.WebhookStore.OutgoingWebhooksAsync(null, cancellationToken).ConfigureAwait(false);
        _rooms = [.. webhooks.Select(w => w.RoomKey)];
        var now = time.GetUtcNow();
        DateTimeOffset? earliest = null;
        var work = new List<Task<DateTimeOffset?>>();
        foreach (var webhook in webhooks)
        {
            if (webhook.State.NextAttemptAt is { } next && next > now)
            {
                earliest = Earliest(earliest, next);
                continue;
            }

            if (await hub.Store.LastSeqAsync(webhook.RoomKey, cancellationToken).ConfigureAwait(false) > webhook.Cursor
                && await hub.WebhookStore.TryLeaseOutgoingWebhookAsync(webhook.Id, _holder, now, now + LeaseTime, cancellationToken).ConfigureAwait(false))
            {
                work.Add(DeliverLeasedAsync(webhook, cancellationToken));
            }
        }

        foreach (var due in await Task.WhenAll(work).ConfigureAwait(false))
        {
            earliest = due is { } d ? Earliest(earliest, d) : earliest;
        }

        return earliest;
    }

    private async Task<DateTimeOffset?> DeliverLeasedAsync(OutgoingWebhookRecord listed, CancellationToken cancellationToken)
    {
        try
        {
            // Read again under the lease: another node may have delivered (and released) since the list was read.
            var webhooks = await hub.WebhookStore.OutgoingWebhooksAsync(listed.RoomKey, cancellationToken).ConfigureAwait(false);
            if (webhooks.FirstOrDefault(w => w.Id == listed.Id) is not { } webhook)
            {
                return null;
            }

            return webhook.State.NextAttemptAt is { } next && next > time.GetUtcNow() ? next : await DeliverAsync(webhook, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await hub.WebhookStore.ReleaseOutgoingWebhookAsync(listed.Id, _holder, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers what follows the cursor until it is all done, an attempt fails (answers its retry time) or the lease is lost.</summary>
    private async Task<DateTimeOffset?> DeliverAsync(OutgoingWebhookRecord webhook, CancellationToken cancellationToken)
    {
        var store = hub.WebhookStore;
        var (cursor, state) = (webhook.Cursor, webhook.State);

        // Messages leave the server only while the webhook's creator may still read the room and manage its webhooks.
        if (await hub.Store.FindRoomAsync(webhook.RoomKey, cancellationToken).ConfigureAwait(false) is not { } room
            || (room.Owner != webhook.CreatedBy && !await hub.Store.IsAdminAsync(webhook.CreatedBy, cancellationToken).ConfigureAwait(false)))
        {
            await store.SaveOutgoingProgressAsync(webhook.Id, _holder, cursor, state with { LastError = "paused: its creator no longer owns the room" }, time.GetUtcNow() + LeaseTime, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var url = new Uri(webhook.Url);
        while (true)
        {
            var page = await hub.Store.ReadAfterAsync(webhook.RoomKey, cursor, Page, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return null;
            }

            foreach (var message in page)
            {
                var trigger = Trigger(webhook, message.Text);
                if (message.DeletedBy is not null || (webhook.Triggers.Count > 0 && trigger is null)
                    || (message.FromAccount is { } from && await store.IsWebhookAccountAsync(from, cancellationToken).ConfigureAwait(false)))
                {
                    cursor = message.Seq;
                    continue;
                }

                var deliveryId = $"{webhook.Id}-{message.Seq}";
                var body = JsonSerializer.SerializeToUtf8Bytes(
                    new WebhookDelivery(webhook.Id, deliveryId, room.Name, message.MessageId, message.Seq, message.From, message.Text, WireTimestamp.Format(message.Timestamp), trigger),
                    WebhookDeliveryJsonContext.Default.WebhookDelivery);
                var (status, error) = await sender.PostAsync(url, webhook.Secret, webhook.Id, deliveryId, body, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (error is null)
                {
                    (cursor, state) = (message.Seq, state with { Attempts = 0, NextAttemptAt = null, LastStatus = status, LastError = null, LastAttemptAt = now, FailingSince = null });
                }
                else if (state.Attempts + 1 >= options.MaxAttempts)
                {
                    LogGaveUp(webhook.Id, deliveryId, error);
                    await store.AddWebhookFailureAsync(new WebhookFailureRecord(webhook.Id, deliveryId, message.Seq, message.MessageId, state.Attempts + 1, error, now), FailuresKept, cancellationToken).ConfigureAwait(false);
                    (cursor, state) = (message.Seq, state with { Attempts = 0, NextAttemptAt = null, LastStatus = status, LastError = error, LastAttemptAt = now, FailingSince = state.FailingSince ?? now, Failed = state.Failed + 1 });
                }
                else
                {
                    var attempts = state.Attempts + 1;
                    state = state with { Attempts = attempts, NextAttemptAt = now + options.DelayAfter(attempts), LastStatus = status, LastError = error, LastAttemptAt = now, FailingSince = state.FailingSince ?? now };
                    await store.SaveOutgoingProgressAsync(webhook.Id, _holder, cursor, state, now + LeaseTime, cancellationToken).ConfigureAwait(false);
                    return state.NextAttemptAt;
                }

                if (!await store.SaveOutgoingProgressAsync(webhook.Id, _holder, cursor, state, now + LeaseTime, cancellationToken).ConfigureAwait(false))
                {
                    return null; // the webhook was deleted, or the lease lapsed and another node goes on
                }
            }

            // What was skipped since the last delivery is recorded too, so it is not read again.
            if (!await store.SaveOutgoingProgressAsync(webhook.Id, _holder, cursor, state, time.GetUtcNow() + LeaseTime, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>The trigger word the text starts with (its first word, any case, as Mattermost's default); null when none.</summary>
    internal static string? Trigger(OutgoingWebhookRecord webhook, string text)
    {
        var first = text.AsSpan().TrimStart();
        var end = first.IndexOfAny([' ', '\t', '\n', '\r']);
        var word = (end < 0 ? first : first[..end]).ToString();
        return webhook.Triggers.FirstOrDefault(t => string.Equals(t, word, StringComparison.OrdinalIgnoreCase));
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private void OnStored(string conversation)
    {
        if (_rooms.Contains(conversation))
        {
            Wake();
        }
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(wait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outgoing webhooks: a delivery pass failed; trying again")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outgoing webhook {Webhook}: gave up on delivery {Delivery} after its attempts: {Error}")]
    private partial void LogGaveUp(string webhook, string delivery, string error);
}
