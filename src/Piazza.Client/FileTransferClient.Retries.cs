using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Riding out failures (backoff, what counts as transient) and the HTTP plumbing every request shares.</summary>
public sealed partial class FileTransferClient
{
    /// <summary>Runs a request until it succeeds, waiting with backoff after transient failures (network, 5xx).</summary>
    private async Task<T> WithRetriesAsync<T>(Func<CancellationToken, Task<T>> attempt, Action<string> retrying, CancellationToken cancellationToken)
    {
        var delay = Options.InitialBackoff;
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (failures >= Options.MaxAttempts)
                {
                    throw GiveUp(ex);
                }

                await WaitToRetryAsync(ex, delay, retrying, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>As above; <paramref name="progressMade"/> resets the failure count when bytes arrived since the last failure.</summary>
    private async Task WithRetriesAsync(Func<CancellationToken, Task> attempt, Action<string> retrying, CancellationToken cancellationToken, Func<long> progressMade)
    {
        var delay = Options.InitialBackoff;
        var failures = 0;
        var seen = progressMade();
        while (true)
        {
            try
            {
                await attempt(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (progressMade() != seen)
                {
                    seen = progressMade();
                    failures = 0;
                    delay = Options.InitialBackoff;
                }

                if (++failures >= Options.MaxAttempts)
                {
                    throw GiveUp(ex);
                }

                await WaitToRetryAsync(ex, delay, retrying, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Network trouble, a request timeout, a server error, or a tus conflict (offset or checksum) is worth retrying.</summary>
    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or IOException => true,
        PiazzaException { HttpStatus: { } status } => status is >= 500 and not 501 and not 507 or 409 or 423 or ChecksumMismatch,
        _ => false,
    };

    private static PiazzaException GiveUp(Exception last) => last as PiazzaException
        ?? new PiazzaException(PiazzaFailure.TransferFailed, $"gave up after repeated failures: {last.Message}", innerException: last);

    /// <summary>Tells the caller why and for how long, then waits (jittered, so clients cut off together do not return together).</summary>
    private static async Task WaitToRetryAsync(Exception failure, TimeSpan delay, Action<string> retrying, CancellationToken cancellationToken)
    {
        var wait = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
        retrying(string.Create(CultureInfo.InvariantCulture, $"{failure.Message}; retrying in {wait.TotalSeconds:0.0} s"));
        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
    }

    private CancellationTokenSource RequestTimeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.RequestTimeout);
        return timeout;
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add(TusHeaders.TusResumable, TusHeaders.Version);
        if (_token() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>Turns a refusal into a <see cref="PiazzaException"/> with the API's code and message when it sent JSON.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        string code = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "auth_failed",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.NotFound => "not_found",
            HttpStatusCode.RequestEntityTooLarge => "too_large",
            _ => "http_" + status.ToString(CultureInfo.InvariantCulture),
        };
        var message = response.ReasonPhrase ?? code;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    code = c.GetString()!;
                }

                if (json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // not JSON (a plain tus status): the reason phrase will do
        }

        throw new PiazzaException(PiazzaFailure.TransferFailed, $"{what} failed: {message} ({status})", code) { HttpStatus = status };
    }

    private static long OffsetOf(HttpResponseMessage response)
        => response.Headers.TryGetValues(TusHeaders.UploadOffset, out var values) && TusHeaders.TryParseLength(values.FirstOrDefault(), out var offset)
            ? offset
            : throw BadResponse(response, "the server sent no Upload-Offset");

    private static PiazzaException BadResponse(HttpResponseMessage response, string what)
        => new(PiazzaFailure.TransferFailed, what) { HttpStatus = (int)response.StatusCode };

    private static string? FileIdOf(HttpResponseMessage response)
        => response.Headers.TryGetValues(TusHeaders.FileId, out var values) && values.FirstOrDefault() is { Length: > 0 } id ? id : null;
}
