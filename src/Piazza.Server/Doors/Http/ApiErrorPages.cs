using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The JSON error shape on every error under <c>/api</c> that no endpoint wrote a body for: a path no route has (404
/// <c>not_found</c>), a method the path does not take (405 <c>method_not_allowed</c>, routing's <c>Allow</c> kept), a
/// content type a JSON endpoint does not take (415 <c>bad_content_type</c>), a path or query parameter that does not
/// bind (400 <c>bad_request</c>), a fault (500 <c>server_error</c>), and any other status left bare (a limiter's 429
/// keeps its <c>Retry-After</c>). A body an endpoint wrote is never replaced. Kestrel's own refusals before routing
/// (a malformed request line or header, headers over the limits) are answered by Kestrel and stay bare.
/// </summary>
public static partial class ApiErrorPages
{
    public const string Prefix = "/api";

    /// <summary>Minimal APIs throw (rather than answer a bare 400) when a parameter does not bind, so it can be said in JSON.</summary>
    public static void AddServices(IServiceCollection services)
        => services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiErrorPages));
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, ex.StatusCode, MessageOf(ex)).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!context.Response.HasStarted && !StoreFaults.IsUnavailable(ex) && !context.RequestAborted.IsCancellationRequested)
            {
                Log.Fault(logger, context.Request.Method, PrintableText.Escape(context.Request.Path.Value, 200), ex);
                await WriteAsync(context, StatusCodes.Status500InternalServerError, "a fault in the server; nothing is known to have been done").ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                await WriteAsync(context, response.StatusCode, null).ConfigureAwait(false);
            }
        });
    }

    /// <summary>The code a bare status is answered with: HttpErrors' own for the statuses the framework sets, else by class.</summary>
    public static ErrorCode CodeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ErrorCode.AuthFailed,
        StatusCodes.Status403Forbidden => ErrorCode.Forbidden,
        StatusCodes.Status404NotFound => ErrorCode.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCode.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ErrorCode.TooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCode.BadContentType,
        StatusCodes.Status429TooManyRequests => ErrorCode.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ErrorCode.Unavailable,
        >= 500 => ErrorCode.ServerError,
        _ => ErrorCode.BadRequest,
    };

    private static Task WriteAsync(HttpContext context, int status, string? message)
    {
        var response = context.Response;
        var code = CodeOf(status);
        double? retryAfter = double.TryParse(response.Headers.RetryAfter.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        var allow = response.Headers.Allow.ToString();
        response.Clear();
        if (allow.Length > 0)
        {
            response.Headers.Allow = allow;
        }

        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        HttpErrors.AddHeaders(response, status, retryAfter);
        var body = new ErrorResponse(code.ToWire(), message ?? DefaultMessage(context, status, allow), retryAfter);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentType = "application/json; charset=utf-8";
            return Task.CompletedTask;
        }

        return TypedResults.Json(body, ApiJsonContext.Default.ErrorResponse, statusCode: status).ExecuteAsync(context);
    }

    private static string DefaultMessage(HttpContext context, int status, string allow) => status switch
    {
        StatusCodes.Status400BadRequest => "the request is malformed; see /api/openapi.json",
        StatusCodes.Status401Unauthorized => "a valid token is required: Authorization: Bearer <token>",
        StatusCodes.Status404NotFound => "no such API endpoint; see /api/openapi.json and docs/http-api.md",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed here; this path takes {(allow.Length > 0 ? allow : "other methods")}",
        StatusCodes.Status413PayloadTooLarge => $"request bodies are at most {HttpApi.MaxBodyBytes} bytes",
        StatusCodes.Status415UnsupportedMediaType => "this endpoint does not take that Content-Type (JSON bodies: Content-Type: application/json)",
        StatusCodes.Status429TooManyRequests => "too many requests; wait as Retry-After says",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase.ToLowerInvariant() : "the request failed",
    };

    /// <summary>
    /// The framework's binding failure said without echoing the input: <c>Failed to bind parameter "long? after" from
    /// "abc".</c> becomes <c>the parameter "after" must be an integer</c>.
    /// </summary>
    public static string MessageOf(BadHttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return $"request bodies are at most {HttpApi.MaxBodyBytes} bytes";
        }

        var match = ParameterPattern().Match(exception.Message);
        if (!match.Success)
        {
            return exception.StatusCode == StatusCodes.Status400BadRequest ? "the request is malformed; see /api/openapi.json" : "the request cannot be read";
        }

        var (type, name) = (match.Groups["type"].Value, match.Groups["name"].Value);
        if (exception.Message.StartsWith("Required", StringComparison.Ordinal))
        {
            return $"the parameter \"{name}\" is required";
        }

        // The type as the framework names it: "long?", "Nullable<long>", "int"…
        var integer = type.Contains("int", StringComparison.OrdinalIgnoreCase) || type.Contains("long", StringComparison.OrdinalIgnoreCase);
        return integer ? $"the parameter \"{name}\" must be an integer" : $"the parameter \"{name}\" is malformed";
    }

    [GeneratedRegex("parameter \"(?<type>[^\"]*?)\\s(?<name>[A-Za-z_][A-Za-z0-9_]*)\"", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ParameterPattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "HTTP {Method} {Path} failed; answered 500 server_error")]
        public static partial void Fault(ILogger logger, string method, string path, Exception exception);
    }
}
