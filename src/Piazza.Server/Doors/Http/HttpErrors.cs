using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The one mapping of error codes to HTTP statuses, and the one JSON error body, for every HTTP endpoint (the REST
/// API and files). docs/http-api.md lists the statuses; codes only the line protocol sends still get a sensible one.
/// </summary>
public static class HttpErrors
{
    /// <summary>tus's checksum extension answers a mismatch with 460 (no standard status says it).</summary>
    private const int TusChecksumMismatch = 460;

    public static int StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.BadFrame or ErrorCode.BadRequest or ErrorCode.UnknownType or ErrorCode.BadName or ErrorCode.BadText
            or ErrorCode.NotWelcomed or ErrorCode.AlreadyWelcomed or ErrorCode.ProtocolVersion or ErrorCode.NotBanned
            or ErrorCode.Interrupted => StatusCodes.Status400BadRequest,
        ErrorCode.AuthFailed or ErrorCode.AuthRequired or ErrorCode.SessionRevoked => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden or ErrorCode.NotInRoom or ErrorCode.Banned or ErrorCode.Muted or ErrorCode.AccountDisabled => StatusCodes.Status403Forbidden,
        ErrorCode.NoSuchRoom or ErrorCode.NoSuchUser or ErrorCode.NoSuchFile or ErrorCode.NoSuchMessage or ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ErrorCode.HelloTimeout => StatusCodes.Status408RequestTimeout,
        ErrorCode.NameTaken or ErrorCode.NameReserved or ErrorCode.NameConfusable or ErrorCode.TooManyRooms
            or ErrorCode.OffsetMismatch or ErrorCode.TooManyReactions or ErrorCode.TooManyPins or ErrorCode.Conflict => StatusCodes.Status409Conflict,
        ErrorCode.UnsupportedVersion => StatusCodes.Status412PreconditionFailed,
        ErrorCode.TooLarge or ErrorCode.QuotaExceeded => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.BadContentType => StatusCodes.Status415UnsupportedMediaType,
        ErrorCode.HashMismatch => StatusCodes.Status422UnprocessableEntity,
        ErrorCode.UploadBusy => StatusCodes.Status423Locked,
        ErrorCode.RateLimited or ErrorCode.TooManyUploads or ErrorCode.Flooding => StatusCodes.Status429TooManyRequests,
        ErrorCode.ChecksumMismatch => TusChecksumMismatch,
        ErrorCode.StorageError => StatusCodes.Status500InternalServerError,
        ErrorCode.ServerError or ErrorCode.TooManyConnections or ErrorCode.Unavailable or ErrorCode.SlowConsumer => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.StorageFull => StatusCodes.Status507InsufficientStorage,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "no HTTP status for this error code"),
    };

    /// <summary>The error as a result: its status, the JSON body, and <c>Retry-After</c> when the client is throttled.</summary>
    public static IResult Result(HubError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ErrorResult(StatusOf(error.Code), Body(error.Code, error.Message, error.RetryAfter));
    }

    public static IResult Result(ErrorCode code, string message) => new ErrorResult(StatusOf(code), Body(code, message, null));

    /// <summary>
    /// A store that fails under a request (<see cref="StoreFaults"/>) is answered 503 <c>unavailable</c> with
    /// <c>Retry-After: 1</c> on every endpoint, rather than a bare 500.
    /// </summary>
    public static void UseStoreFaults(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFaults.IsUnavailable(ex) && !context.Response.HasStarted)
        {
            await new ErrorResult(StatusCodes.Status503ServiceUnavailable, Body(ErrorCode.Unavailable, StoreFaults.Message, TimeSpan.FromSeconds(1))).ExecuteAsync(context).ConfigureAwait(false);
        }
    });

    public static ErrorResponse Body(ErrorCode code, string message, TimeSpan? retryAfter)
        => new(code.ToWire(), message, retryAfter is { } wait ? Math.Ceiling(wait.TotalSeconds) : null);

    /// <summary>The headers of every error answer: the bearer challenge with a 401 (RFC 6750), <c>Retry-After</c> when throttled.</summary>
    public static void AddHeaders(HttpResponse response, int status, double? retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed class ErrorResult(int status, ErrorResponse body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            AddHeaders(httpContext.Response, status, body.RetryAfter);
            return TypedResults.Json(body, ApiJsonContext.Default.ErrorResponse, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}
