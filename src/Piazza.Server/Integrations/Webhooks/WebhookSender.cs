using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Piazza.Server.Integrations.Webhooks;

/// <summary>
/// POSTs one signed delivery: JSON body, <c>X-Piazza-Timestamp</c> (Unix seconds) and <c>X-Piazza-Signature:
/// sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}"&gt;</c> under the webhook's secret. One client for every
/// webhook: redirects are not followed (a redirect could lead off the allow-list), no proxy, no cookies, a short
/// timeout, and each connection goes only to an address the allow-list accepts for that host
/// (<see cref="WebhookDestinations.AllowsAddress"/>), resolved at connect time. Answers' bodies are never read.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>How long one delivery may take, connection included: a receiver should answer at once and work later.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly WebhookDestinations _destinations;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookDestinations destinations, TimeProvider time)
    {
        _destinations = destinations;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),

            // A pooled connection was checked when it was opened; DNS is looked at again at least every minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Piazza-Webhooks/1");
    }

    /// <summary>The signature of <paramref name="body"/> sent at <paramref name="timestamp"/>, as the header carries it.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>One attempt: null on a 2xx answer, else what went wrong (the status, when there was an answer).</summary>
    public async Task<(int? Status, string? Error)> PostAsync(Uri url, string secret, string webhookId, string deliveryId, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        if (_destinations.Problem(url) is { } refused)
        {
            return (null, refused.Message);
        }

        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Piazza-Webhook", webhookId);
        request.Headers.Add("X-Piazza-Delivery", deliveryId);
        request.Headers.Add("X-Piazza-Timestamp", timestamp);
        request.Headers.Add("X-Piazza-Signature", Sign(secret, timestamp, body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => (status, null),
                >= 300 and < 400 => (status, $"answered {status}: redirects are not followed"),
                _ => (status, $"answered {status}"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return (null, ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : Describe(ex));
        }
    }

    public void Dispose() => _http.Dispose();

    private static string Describe(Exception ex)
    {
        var inner = ex.InnerException is { } cause && cause.Message != ex.Message ? $": {cause.Message}" : "";
        var text = ex.Message + inner;
        return text.Length <= 300 ? text : text[..300];
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => _destinations.AllowsAddress(host, port, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"'{host}' resolves to no address webhooks may reach (--webhook-allowed-hosts)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>One delivery's body (docs/http-api.md, "Webhooks"): the message (its id named <c>msg</c>, as REST answers name it), its room and seq, and the ids.</summary>
public sealed record WebhookDelivery(
    string Webhook,
    string Delivery,
    string Room,
    string Msg,
    long Seq,
    string From,
    string Text,
    string Ts,
    string? Trigger);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookDelivery))]
internal sealed partial class WebhookDeliveryJsonContext : JsonSerializerContext;
