using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Doors.Files;

/// <summary>
/// The HTTP face of file sharing: tus 1.0.0 uploads at <c>/api/uploads</c> and downloads at <c>/api/files/{id}</c>,
/// both with the session token. The wire rules are in <see cref="TusHeaders"/>, the upload logic in
/// <see cref="UploadService"/>, who may see a file in <see cref="ChatHub"/>. docs/http-api.md documents it.
/// </summary>
public static class FilesEndpoints
{
    /// <summary>Images a browser may show inline; never SVG or HTML, which can carry script.</summary>
    private static readonly HashSet<string> InlineTypes = new(StringComparer.Ordinal) { "image/png", "image/jpeg", "image/gif", "image/webp" };

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapMethods("/api/uploads", ["OPTIONS"], Options)
            .WithName("tusOptions").WithSummary("tus: the server's version, extensions and maximum size").WithTags("Uploads (tus)").AllowAnonymous()
            .Produces(StatusCodes.Status204NoContent).WithTusCapabilities();
        app.MapMethods("/api/uploads/{uploadId}", ["OPTIONS"], Options)
            .WithName("tusUploadOptions").WithSummary("tus: the server's capabilities, at an upload's URL").WithTags("Uploads (tus)").AllowAnonymous()
            .Produces(StatusCodes.Status204NoContent).WithTusCapabilities();
        app.MapPost("/api/uploads", CreateAsync)
            .WithName("createUpload").WithSummary("tus creation: start an upload").WithTags("Uploads (tus)").WithTusVersion()
            .WithHeader(TusHeaders.UploadLength, true, "The file's size in bytes.", "0")
            .WithHeader(TusHeaders.UploadMetadata, false, "`filename`, `filetype`, `sha256` (hex of the whole file), each base64.", "filename ZS50eHQ=")
            .Produces(StatusCodes.Status201Created).WithResponseHeader(201, "Location", "The upload's URL, /api/uploads/{uploadId}.")
            .WithResponseHeader(201, TusHeaders.FileId, "The file's id, when the upload is complete at once (an empty file).")
            .ProducesErrors(400, 401, 403, 412, 413, 429, 507);
        app.MapMethods("/api/uploads/{uploadId}", ["HEAD"], HeadAsync)
            .WithName("getUploadOffset").WithSummary("tus: the durable offset of an upload").WithTags("Uploads (tus)").WithTusVersion()
            .Produces(StatusCodes.Status200OK).WithResponseHeader(200, TusHeaders.UploadOffset, "Bytes durably stored.")
            .ProducesBare(401, 403, 404, 412);
        app.MapMethods("/api/uploads/{uploadId}", ["PATCH"], PatchAsync)
            .WithName("appendUpload").WithSummary("tus: append bytes at the current offset").WithTags("Uploads (tus)").WithTusVersion()
            .WithHeader(TusHeaders.UploadOffset, true, "The upload's current offset (HEAD gives it).", "0")
            .WithHeader(TusHeaders.UploadChecksum, false, "`sha256 <base64 of this request's bytes>`.", "sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
            .WithRawBody(TusHeaders.OffsetContentType, "The bytes to append.")
            .Produces(StatusCodes.Status204NoContent).WithResponseHeader(204, TusHeaders.UploadOffset, "The new offset.")
            .WithResponseHeader(204, TusHeaders.FileId, "The file's id, on the PATCH that completes the upload.")
            .ProducesErrors(400, 401, 403, 404, 409, 412, 413, 415, 422, 423, 460, 507);
        app.MapDelete("/api/uploads/{uploadId}", TerminateAsync)
            .WithName("terminateUpload").WithSummary("tus termination: drop an unfinished upload").WithTags("Uploads (tus)").WithTusVersion()
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(401, 403, 404, 412, 423);
        app.MapGet("/api/files/{fileId}", DownloadAsync)
            .WithName("downloadFile").WithSummary("A file's bytes (Range supported)").WithTags("Files")
            .ProducesBytes(StatusCodes.Status200OK, "The file, in its MIME type.").ProducesBytes(StatusCodes.Status206PartialContent, "The requested range.")
            .ProducesErrors(401, 403, 404, 416);
        app.MapMethods("/api/files/{fileId}", ["HEAD"], DownloadAsync)
            .WithName("downloadFileHead").WithSummary("A file's headers").WithTags("Files")
            .Produces(StatusCodes.Status200OK).ProducesBare(401, 403, 404);
        app.MapDelete("/api/files/{fileId}", DeleteFileAsync)
            .WithName("deleteFile").WithSummary("Delete a file you uploaded").WithTags("Files")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(401, 403, 404);
    }

    /// <summary>Every tus request but OPTIONS names the protocol version (412 otherwise).</summary>
    private static RouteHandlerBuilder WithTusVersion(this RouteHandlerBuilder builder)
        => builder.WithHeader(TusHeaders.TusResumable, true, "The tus version: 1.0.0.", TusHeaders.Version, TusHeaders.Version)
            .WithResponseHeader(412, TusHeaders.TusVersion, "The tus version this server speaks.");

    private static RouteHandlerBuilder WithTusCapabilities(this RouteHandlerBuilder builder)
        => builder.WithResponseHeader(204, TusHeaders.TusVersion, "1.0.0").WithResponseHeader(204, TusHeaders.TusExtension, "The supported extensions.")
            .WithResponseHeader(204, TusHeaders.TusMaxSize, "The largest file, in bytes.").WithResponseHeader(204, TusHeaders.TusChecksumAlgorithm, "sha256");

    private static Task Options(HttpContext context, UploadService uploads)
    {
        var headers = context.Response.Headers;
        headers[TusHeaders.TusResumable] = TusHeaders.Version;
        headers[TusHeaders.TusVersion] = TusHeaders.Version;
        headers[TusHeaders.TusExtension] = TusHeaders.Extensions;
        headers[TusHeaders.TusMaxSize] = uploads.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[TusHeaders.TusChecksumAlgorithm] = TusHeaders.ChecksumAlgorithms;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static async Task CreateAsync(HttpContext context, ChatHub hub, UploadService uploads)
    {
        if (await BeginTusAsync(context, hub) is not { } session)
        {
            return;
        }

        var request = context.Request.Headers;
        if (request.ContainsKey(TusHeaders.UploadDeferLength) || request.ContainsKey(TusHeaders.UploadConcat))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadRequest, "Upload-Defer-Length and Upload-Concat are not supported"));
            return;
        }

        if (!TusHeaders.TryParseLength(request[TusHeaders.UploadLength], out var length))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadRequest, "Upload-Length must be a non-negative integer"));
            return;
        }

        if (!TusHeaders.TryParseMetadata(request[TusHeaders.UploadMetadata], out var metadata, out var problem))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadRequest, problem));
            return;
        }

        var outcome = await uploads.CreateAsync(session.User.Key, length, metadata, context.RequestAborted);
        if (outcome.Status != StatusCodes.Status201Created)
        {
            await FailAsync(context, outcome);
            return;
        }

        context.Response.Headers.Location = $"/api/uploads/{outcome.UploadId}";
        WriteUploadHeaders(context, outcome);
        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    private static async Task HeadAsync(HttpContext context, ChatHub hub, UploadService uploads, string uploadId)
    {
        if (await BeginTusAsync(context, hub) is not { } session)
        {
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        var upload = await uploads.FindAsync(session.User.Key, uploadId, context.RequestAborted);
        if (upload is null)
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.NotFound, "no such upload"));
            return;
        }

        if (await uploads.OffsetOfAsync(upload, context.RequestAborted) is not { } offset)
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.NotFound, "no such upload"));
            return;
        }

        context.Response.Headers[TusHeaders.UploadLength] = Format(upload.Length);
        WriteUploadHeaders(context, new UploadOutcome(200) { Offset = offset, FileId = upload.FileId, ExpiresAt = uploads.ExpiryOf(upload) });
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task PatchAsync(HttpContext context, ChatHub hub, UploadService uploads, string uploadId)
    {
        if (await BeginTusAsync(context, hub) is not { } session)
        {
            return;
        }

        var request = context.Request;
        if (!IsOffsetStream(request.ContentType))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadContentType, $"PATCH bodies must be {TusHeaders.OffsetContentType}"));
            return;
        }

        if (!TusHeaders.TryParseLength(request.Headers[TusHeaders.UploadOffset], out var offset))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadRequest, "Upload-Offset must be a non-negative integer"));
            return;
        }

        UploadChecksum? checksum = null;
        if (request.Headers.ContainsKey(TusHeaders.UploadChecksum))
        {
            if (!TusHeaders.TryParseChecksum(request.Headers[TusHeaders.UploadChecksum], out var algorithm, out var digest, out var unsupported))
            {
                await FailAsync(context, UploadOutcome.Failed(ErrorCode.BadRequest, unsupported
                    ? $"the checksum algorithms supported are {TusHeaders.ChecksumAlgorithms} (Tus-Checksum-Algorithm)"
                    : "Upload-Checksum must be '<algorithm> <base64 digest>', e.g. 'sha1 <base64 of 20 bytes>'"));
                return;
            }

            checksum = new UploadChecksum(algorithm, digest);
        }

        var upload = await uploads.FindAsync(session.User.Key, uploadId, context.RequestAborted);
        if (upload is null)
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.NotFound, "no such upload"));
            return;
        }

        // Kestrel's default cap (30 MB) is for ordinary bodies; the upload's own length bounds this one.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var outcome = await uploads.AppendAsync(upload, offset, request.ContentLength, checksum, request.BodyReader, context.RequestAborted);
        if (outcome.Status != StatusCodes.Status204NoContent)
        {
            await FailAsync(context, outcome);
            return;
        }

        WriteUploadHeaders(context, outcome);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task TerminateAsync(HttpContext context, ChatHub hub, UploadService uploads, string uploadId)
    {
        if (await BeginTusAsync(context, hub) is not { } session)
        {
            return;
        }

        var upload = await uploads.FindAsync(session.User.Key, uploadId, context.RequestAborted);
        if (upload is null)
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.NotFound, "no such upload"));
            return;
        }

        var outcome = await uploads.TerminateAsync(upload, context.RequestAborted);
        if (outcome.Status != StatusCodes.Status204NoContent)
        {
            await FailAsync(context, outcome);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task DownloadAsync(HttpContext context, ChatHub hub, BlobStore blobs, string fileId)
    {
        if (await FindFileAsync(context, hub, fileId) is not { } file)
        {
            return;
        }

        var stream = blobs.OpenBlob(file.Sha256);
        if (stream is null)
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.NotFound, "the file's content is missing"));
            return;
        }

        var headers = context.Response.Headers;
        var disposition = new ContentDispositionHeaderValue(InlineTypes.Contains(file.Mime) ? "inline" : "attachment");
        disposition.SetHttpFileName(file.Name);
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.CacheControl = "private, max-age=0, must-revalidate";
        var result = TypedResults.Stream(stream, file.Mime, lastModified: file.CreatedAt, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
        await result.ExecuteAsync(context);
    }

    private static async Task DeleteFileAsync(HttpContext context, ChatHub hub, UploadService uploads, string fileId)
    {
        var session = await HttpApi.OpenAsync(context, hub);
        if (!session.Succeeded)
        {
            await FailAsync(context, UploadOutcome.Failed(session.Error!.Code, session.Error.Message));
            return;
        }

        var visible = await hub.FindVisibleFileAsync(session.Value!.User, fileId, context.RequestAborted);
        if (!visible.Succeeded)
        {
            await FailAsync(context, FromHub(visible.Error!));
            return;
        }

        // A file can be shared in several rooms, so only server admins moderate files; room moderators delete the
        // messages that carry them.
        if (!ChatHub.MayDeleteFile(session.Value.User, visible.Value!, isModerator: session.Value.User.IsAdmin))
        {
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.Forbidden, "only the uploader or a moderator can delete a file"));
            return;
        }

        await uploads.DeleteFileAsync(visible.Value!, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The file if the token's user may see it; otherwise the error has been written.</summary>
    private static async Task<FileRecord?> FindFileAsync(HttpContext context, ChatHub hub, string fileId)
    {
        var session = await HttpApi.OpenAsync(context, hub);
        if (!session.Succeeded)
        {
            await FailAsync(context, UploadOutcome.Failed(session.Error!.Code, session.Error.Message));
            return null;
        }

        var visible = await hub.FindVisibleFileAsync(session.Value!.User, fileId, context.RequestAborted);
        if (!visible.Succeeded)
        {
            await FailAsync(context, FromHub(visible.Error!));
            return null;
        }

        return visible.Value;
    }

    /// <summary>Every tus request: <c>Tus-Resumable</c> both ways, then the token. Null when refused (already answered).</summary>
    private static async Task<ChatSession?> BeginTusAsync(HttpContext context, ChatHub hub)
    {
        context.Response.Headers[TusHeaders.TusResumable] = TusHeaders.Version;
        if (context.Request.Headers[TusHeaders.TusResumable] != TusHeaders.Version)
        {
            context.Response.Headers[TusHeaders.TusVersion] = TusHeaders.Version;
            await FailAsync(context, UploadOutcome.Failed(ErrorCode.UnsupportedVersion, $"this server speaks tus {TusHeaders.Version} (Tus-Resumable)"));
            return null;
        }

        var session = await HttpApi.OpenAsync(context, hub);
        if (!session.Succeeded)
        {
            await FailAsync(context, UploadOutcome.Failed(session.Error!.Code, session.Error.Message));
            return null;
        }

        return session.Value;
    }

    /// <summary>Downloads name an unknown file <c>not_found</c>, as every other missing thing of the files door.</summary>
    private static UploadOutcome FromHub(HubError error)
        => UploadOutcome.Failed(error.Code == ErrorCode.NoSuchFile ? ErrorCode.NotFound : error.Code, error.Message);

    private static void WriteUploadHeaders(HttpContext context, UploadOutcome outcome)
    {
        if (outcome.Offset is { } offset)
        {
            context.Response.Headers[TusHeaders.UploadOffset] = Format(offset);
        }

        if (outcome.FileId is { } fileId)
        {
            context.Response.Headers[TusHeaders.FileId] = fileId;
        }

        if (outcome.ExpiresAt is { } expires)
        {
            context.Response.Headers[TusHeaders.UploadExpires] = TusHeaders.FormatExpires(expires);
        }
    }

    /// <summary>Answers with the status and a JSON error body (no body to HEAD).</summary>
    private static async Task FailAsync(HttpContext context, UploadOutcome outcome)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        WriteUploadHeaders(context, outcome with { FileId = null });
        HttpErrors.AddHeaders(context.Response, outcome.Status, outcome.RetryAfterSeconds);
        context.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = outcome.Status;
            return;
        }

        var body = HttpErrors.Body(outcome.Error ?? ErrorCode.ServerError, outcome.Message ?? "", outcome.RetryAfterSeconds is { } wait ? TimeSpan.FromSeconds(wait) : null);
        await TypedResults.Json(body, ApiJsonContext.Default.ErrorResponse, statusCode: outcome.Status).ExecuteAsync(context);
    }

    private static bool IsOffsetStream(string? contentType)
        => contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && string.Equals(parsed.MediaType.Value, TusHeaders.OffsetContentType, StringComparison.OrdinalIgnoreCase);

    private static string Format(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
