using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// <c>GET /api/rooms/{room}/messages</c> and <c>GET /api/conversations/{user}/messages</c>: the page of history
/// written as it is read, <see cref="PageSize"/> messages at a time, each chunk flushed before the next is read, so
/// Kestrel's back-pressure stops the reading while the client does not read (a 500-message page of long messages
/// would otherwise be held whole by every stream of a client with a tiny HTTP/2 window). Same JSON as before:
/// <c>{"room":…,"messages":[…]}</c>, each message the protocol's <c>message</c> frame.
/// </summary>
public static class HistoryRoute
{
    /// <summary>Messages per store read and per flush: at 4,000 characters about 130 KB of text held per answer.</summary>
    public const int PageSize = 16;

    private const string JsonContentType = "application/json; charset=utf-8";

    public static async Task ReadAsync(HttpContext context, ChatHub hub, HistoryReadSlots slots, string? room, string? with, long? before, long? after, int? limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(slots);
        var connection = context.Connection.Id;
        if (!slots.TryEnter(connection))
        {
            var busy = new HubError(ErrorCode.RateLimited, $"at most {slots.MaxPerConnection} history reads at once per connection; read the answers in progress first", TimeSpan.FromSeconds(1));
            await HttpErrors.Result(busy).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await WriteAsync(context, hub, room, with, before, after, limit).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left mid-answer: nothing to tell anyone; the slot and the page are released below.
        }
        finally
        {
            slots.Exit(connection);
        }
    }

    private static async Task WriteAsync(HttpContext context, ChatHub hub, string? room, string? with, long? before, long? after, int? limit)
    {
        var cancellationToken = context.RequestAborted;
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            await HttpErrors.Result(session.Error!).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        // A conversation id in /api/conversations/{user}/messages (a group's `@alice,bob,carol`) is read as the id it is.
        if (with is not null && DirectConversationId.IsDirect(with))
        {
            (room, with) = (with, null);
        }

        var window = await hub.OpenHistoryAsync(session.Value!, room, with, before, after, limit, cancellationToken).ConfigureAwait(false);
        if (!window.Succeeded)
        {
            await HttpErrors.Result(window.Error!).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var firstSeq = await window.Value!.FirstSeqAsync(cancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        var body = context.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("room", window.Value!.Room);
        json.WriteStartArray("messages");
        var (count, first, last) = (0, 0L, 0L);
        await foreach (var page in window.Value.ReadPagesAsync(PageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var message in page)
            {
                JsonSerializer.Serialize(json, MessageJson.ToFrame(message), ApiJsonContext.Default.ServerFrame);
                (count, first, last) = (count + 1, count == 0 ? message.Seq : first, message.Seq);
            }

            json.Flush();
            var flushed = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                return;
            }
        }

        json.WriteEndArray();
        if (firstSeq is { } historyStart)
        {
            json.WriteNumber("firstSeq", historyStart); // retention cut the history here (docs/retention.md)
        }

        if (NextPage(context, window.Value, limit, count, first, last) is { } next)
        {
            json.WriteString("next", next);
        }

        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The address of the next page in the same direction, or null on the last: older messages (<c>before</c> = the
    /// first seq) while the first seq is above 1 (seqs have no gaps), newer ones (<c>after</c> = the last seq) after a
    /// full forward page.
    /// </summary>
    private static string? NextPage(HttpContext context, Core.Messaging.HistoryWindow window, int? limit, int count, long first, long last)
    {
        if (count == 0 || (window.Forward ? count < window.Limit : first <= 1))
        {
            return null;
        }

        var anchor = window.Forward ? $"after={last}" : $"before={first}";
        return $"{context.Request.PathBase.ToUriComponent()}{context.Request.Path.ToUriComponent()}?{anchor}{(limit is { } size ? $"&limit={size}" : "")}";
    }
}
