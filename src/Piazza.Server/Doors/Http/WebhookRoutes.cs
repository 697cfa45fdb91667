using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Piazza.Core;
using Piazza.Core.Webhooks;
using Piazza.Protocol;
using Piazza.Server.Integrations.Webhooks;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Webhooks over REST (docs/http-api.md, "Webhooks"): a room's owner and server admins create, list and delete
/// incoming webhooks (<c>/api/rooms/{room}/webhooks</c>) and outgoing ones (<c>…/webhooks/outgoing</c>);
/// <c>POST /api/hooks/{secret}</c> posts as an incoming webhook's bot, in the manner of Slack's and Mattermost's.
/// </summary>
internal static class WebhookRoutes
{
    private const string Tag = "Webhooks";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/rooms/{room}/webhooks", CreateIncomingAsync)
            .WithName("CreateIncomingWebhook").WithSummary("Create an incoming webhook (its URL is shown once)").WithTags(Tag)
            .Accepts<CreateIncomingWebhookRequest>("application/json").Produces<IncomingWebhookCreatedResponse>(StatusCodes.Status201Created)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409).Produces<ErrorResponse>(413);
        api.MapGet("/rooms/{room}/webhooks", ListIncomingAsync)
            .WithName("ListIncomingWebhooks").WithSummary("A room's incoming webhooks (no secrets)").WithTags(Tag)
            .Produces<List<IncomingWebhookResponse>>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404);
        // {id:length(16)}: an id is 16 hex characters, so "outgoing" (the outgoing webhooks' segment) is never one.
        api.MapDelete("/rooms/{room}/webhooks/{id:length(16)}", (HttpContext c, ChatHub hub, string room, string id) => DeleteAsync(c, hub, room, id, outgoing: false))
            .WithName("DeleteIncomingWebhook").WithSummary("Delete an incoming webhook (its bot account stays)").WithTags(Tag)
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404);
        api.MapPost("/rooms/{room}/webhooks/outgoing", CreateOutgoingAsync)
            .WithName("CreateOutgoingWebhook").WithSummary("Register an outgoing webhook (its signing secret is shown once)").WithTags(Tag)
            .Accepts<CreateOutgoingWebhookRequest>("application/json").Produces<OutgoingWebhookResponse>(StatusCodes.Status201Created)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404).Produces<ErrorResponse>(413);
        api.MapGet("/rooms/{room}/webhooks/outgoing", ListOutgoingAsync)
            .WithName("ListOutgoingWebhooks").WithSummary("A room's outgoing webhooks with their delivery state and newest failures").WithTags(Tag)
            .Produces<List<OutgoingWebhookResponse>>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404);
        api.MapDelete("/rooms/{room}/webhooks/outgoing/{id}", (HttpContext c, ChatHub hub, string room, string id) => DeleteAsync(c, hub, room, id, outgoing: true))
            .WithName("DeleteOutgoingWebhook").WithSummary("Delete an outgoing webhook").WithTags(Tag)
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404);
        api.MapPost("/hooks/{secret}", PostAsync)
            .WithName("PostToIncomingWebhook").WithSummary("Post a message as an incoming webhook's bot (Slack/Mattermost style: JSON {\"text\"} or form payload=)").WithTags(Tag)
            .Accepts<IncomingWebhookPost>("application/json", "application/x-www-form-urlencoded").Produces<IncomingWebhookPosted>()
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(403).Produces<ErrorResponse>(404).Produces<ErrorResponse>(413).Produces<ErrorResponse>(429).Produces<ErrorResponse>(503);
    }

    private static async Task<IResult> CreateIncomingAsync(HttpContext context, ChatHub hub, ConnectionOptions connections, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, WebhookJsonContext.Default.CreateIncomingWebhookRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var created = await hub.CreateIncomingWebhookAsync(session.Value!, room, body.Value!.Name, context.RequestAborted).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return HttpErrors.Result(created.Error!);
        }

        var (info, secret) = (created.Value!.Webhook, created.Value.Secret);
        var url = $"{PublicOrigin(context, connections)}/api/hooks/{secret}";
        return TypedResults.Json(new IncomingWebhookCreatedResponse(info.Id, info.Room, info.Name, url), WebhookJsonContext.Default.IncomingWebhookCreatedResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListIncomingAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var list = await hub.IncomingWebhooksAsync(session.Value!, room, context.RequestAborted).ConfigureAwait(false);
        return list.Succeeded
            ? TypedResults.Json([.. list.Value!.Select(w => new IncomingWebhookResponse(w.Id, w.Room, w.Name, w.CreatedBy, WireTimestamp.Format(w.CreatedAt)))], WebhookJsonContext.Default.ListIncomingWebhookResponse)
            : HttpErrors.Result(list.Error!);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ChatHub hub, string room, string id, bool outgoing)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var deleted = await hub.DeleteWebhookAsync(session.Value!, room, id, outgoing, context.RequestAborted).ConfigureAwait(false);
        return deleted.Succeeded ? TypedResults.NoContent() : HttpErrors.Result(deleted.Error!);
    }

    private static async Task<IResult> CreateOutgoingAsync(HttpContext context, ChatHub hub, WebhookDestinations destinations, OutgoingWebhookWorker worker, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var body = await HttpApi.ReadBodyAsync(context, WebhookJsonContext.Default.CreateOutgoingWebhookRequest).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            return error;
        }

        var created = await hub.CreateOutgoingWebhookAsync(session.Value!, room, body.Value!.Url, body.Value.Triggers, destinations.Problem, context.RequestAborted).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return HttpErrors.Result(created.Error!);
        }

        worker.Wake();
        return TypedResults.Json(Outgoing(created.Value!, withSecret: true), WebhookJsonContext.Default.OutgoingWebhookResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListOutgoingAsync(HttpContext context, ChatHub hub, string room)
    {
        var session = await HttpApi.OpenAsync(context, hub).ConfigureAwait(false);
        if (!session.Succeeded)
        {
            return HttpErrors.Result(session.Error!);
        }

        var list = await hub.OutgoingWebhooksAsync(session.Value!, room, 10, context.RequestAborted).ConfigureAwait(false);
        return list.Succeeded
            ? TypedResults.Json([.. list.Value!.Select(w => Outgoing(w, withSecret: false))], WebhookJsonContext.Default.ListOutgoingWebhookResponse)
            : HttpErrors.Result(list.Error!);
    }

    /// <summary>Slack's and Mattermost's incoming webhook request: a JSON body, or a form whose <c>payload</c> field holds it.</summary>
    private static async Task<IResult> PostAsync(HttpContext context, ChatHub hub, string secret)
    {
        IncomingWebhookPost? post;
        if (context.Request.HasFormContentType)
        {
            if (context.Request.ContentLength > HttpApi.MaxBodyBytes)
            {
                return HttpErrors.Result(ErrorCode.TooLarge, $"request bodies are at most {HttpApi.MaxBodyBytes} bytes");
            }

            try
            {
                var form = await context.Request.ReadFormAsync(new() { ValueLengthLimit = HttpApi.MaxBodyBytes, MultipartBodyLengthLimit = HttpApi.MaxBodyBytes }, context.RequestAborted).ConfigureAwait(false);
                post = JsonSerializer.Deserialize(form["payload"].ToString() is { Length: > 0 } payload ? payload : "null", WebhookJsonContext.Default.IncomingWebhookPost);
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or BadHttpRequestException)
            {
                return HttpErrors.Result(ErrorCode.BadRequest, "the form's payload field must hold the JSON object");
            }

            if (post is null)
            {
                return HttpErrors.Result(ErrorCode.BadRequest, "the form's payload field must hold the JSON object");
            }
        }
        else
        {
            var body = await HttpApi.ReadBodyAsync(context, WebhookJsonContext.Default.IncomingWebhookPost).ConfigureAwait(false);
            if (body.Error is { } error)
            {
                return error;
            }

            post = body.Value!;
        }

        var address = AddressText.Normalize(context.Connection.RemoteIpAddress?.ToString()) ?? "unknown";
        var sink = new WebhookConnection($"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}", address);
        var sent = await hub.PostToWebhookAsync(secret, post.Text, sink, context.RequestAborted).ConfigureAwait(false);
        return sent.Succeeded
            ? TypedResults.Json(new IncomingWebhookPosted(true, sent.Value!.Message.Room, sent.Value.Message.Id, sent.Value.Message.Seq), WebhookJsonContext.Default.IncomingWebhookPosted)
            : HttpErrors.Result(sent.Error!);
    }

    private static OutgoingWebhookResponse Outgoing(OutgoingWebhookInfo info, bool withSecret)
    {
        var (w, s) = (info.Webhook, info.Webhook.State);
        return new OutgoingWebhookResponse(
            w.Id, info.Room, w.Url, w.Triggers, withSecret ? w.Secret : null, w.CreatedBy, WireTimestamp.Format(w.CreatedAt), info.Pending,
            s.Attempts, Format(s.NextAttemptAt), s.LastStatus, s.LastError, Format(s.LastAttemptAt), Format(s.FailingSince), s.Failed,
            withSecret ? null : [.. info.Failures.Select(f => new WebhookFailureResponse(f.DeliveryId, f.MessageId, f.Seq, f.Attempts, f.Error, WireTimestamp.Format(f.At)))]);
    }

    private static string? Format(DateTimeOffset? time) => time is { } t ? WireTimestamp.Format(t) : null;

    /// <summary>The first public origin configured (<c>--public-origins</c>, https preferred), else the request's own.</summary>
    private static string PublicOrigin(HttpContext context, ConnectionOptions connections)
        => connections.PublicOrigins.OrderBy(o => o.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault()?.TrimEnd('/')
            ?? $"{context.Request.Scheme}://{context.Request.Host}";

    /// <summary>The connection of a webhook's post: no live stream, as an HTTP request session's.</summary>
    private sealed class WebhookConnection(string remoteEndPoint, string remoteAddress) : IChatConnection
    {
        public string Door => "webhook";

        public string RemoteEndPoint { get; } = remoteEndPoint;

        public string RemoteAddress { get; } = remoteAddress;

        public bool TryEnqueue(ChatEvent chatEvent) => true;

        public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Close(bool flush)
        {
        }
    }
}

public sealed record CreateIncomingWebhookRequest(string? Name);

public sealed record IncomingWebhookCreatedResponse(string Id, string Room, string Name, string Url);

public sealed record IncomingWebhookResponse(string Id, string Room, string Name, string CreatedBy, string CreatedAt);

/// <summary>What an incoming webhook reads of a Slack/Mattermost payload: its text (other fields are accepted and ignored).</summary>
public sealed record IncomingWebhookPost(string? Text);

public sealed record IncomingWebhookPosted(bool Ok, string Room, string Msg, long Seq);

public sealed record CreateOutgoingWebhookRequest(string? Url, IReadOnlyList<string>? Triggers);

public sealed record OutgoingWebhookResponse(
    string Id,
    string Room,
    string Url,
    IReadOnlyList<string> Triggers,
    string? Secret,
    string CreatedBy,
    string CreatedAt,
    long Pending,
    int Attempts,
    string? NextAttemptAt,
    int? LastStatus,
    string? LastError,
    string? LastAttemptAt,
    string? FailingSince,
    long Failed,
    IReadOnlyList<WebhookFailureResponse>? Failures);

public sealed record WebhookFailureResponse(string Delivery, string Msg, long Seq, int Attempts, string Error, string At);

// Same JSON rules as the rest of the API (HttpApi's context).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(CreateIncomingWebhookRequest))]
[JsonSerializable(typeof(IncomingWebhookCreatedResponse))]
[JsonSerializable(typeof(List<IncomingWebhookResponse>))]
[JsonSerializable(typeof(IncomingWebhookPost))]
[JsonSerializable(typeof(IncomingWebhookPosted))]
[JsonSerializable(typeof(CreateOutgoingWebhookRequest))]
[JsonSerializable(typeof(OutgoingWebhookResponse))]
[JsonSerializable(typeof(List<OutgoingWebhookResponse>))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
