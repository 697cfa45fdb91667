using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Uploads files with tus 1.0.0 (creation, checksum with sha256, termination) to <c>/api/uploads</c> and downloads
/// them from <c>/api/files/{id}</c>, both with the session token as a bearer token. A lost connection or a server
/// restart is ridden out with backoff: an upload asks the server how far it got (HEAD) and continues from there, a
/// download continues with a Range request. Thread-safe; one instance can run several transfers.
/// </summary>
public sealed partial class FileTransferClient : IDisposable
{
    private const string UploadsPath = "api/uploads";
    private const string FilesPath = "api/files/";

    /// <summary>tus's status for a chunk whose checksum did not match what arrived.</summary>
    private const int ChecksumMismatch = 460;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Func<Uri> _baseAddress;
    private readonly Func<string?> _token;

    /// <param name="baseAddress">The HTTP door, e.g. <c>http://127.0.0.1:8080/</c> (<see cref="PiazzaClient.HttpBaseAddress"/>).</param>
    /// <param name="token">Returns the current session token (it changes with a password change).</param>
    /// <param name="httpClient">
    /// The HTTP client to send with (e.g. from <c>IHttpClientFactory</c>); it is not disposed here. Requests carry
    /// absolute addresses and their own timeouts (<see cref="FileTransferOptions.RequestTimeout"/>), so its
    /// <c>BaseAddress</c> is not used and its <c>Timeout</c> should be at least as long. Null: a client of its own.
    /// </param>
    public FileTransferClient(Uri baseAddress, Func<string?> token, HttpClient? httpClient = null, FileTransferOptions? options = null)
        : this(() => baseAddress, token, httpClient, options, validateCertificate: null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
    }

    /// <param name="baseAddress">The HTTP door now: a client's follows the server it is connected to.</param>
    internal FileTransferClient(Func<Uri> baseAddress, Func<string?> token, HttpClient? httpClient, FileTransferOptions? options, System.Net.Security.RemoteCertificateValidationCallback? validateCertificate)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(token);
        Options = options ?? new FileTransferOptions();
        _baseAddress = baseAddress;
        _token = token;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? OwnHttpClient(validateCertificate);
    }

    public FileTransferOptions Options { get; }

    /// <summary>Uploads a file from disk; its name and (by extension) MIME type go in the tus metadata.</summary>
    public async Task<UploadResult> UploadFileAsync(string path, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PiazzaException(PiazzaFailure.LocalFile, $"cannot read {path}: {ex.Message}", innerException: ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            return await UploadAsync(stream, Path.GetFileName(path), MimeTypes.ForName(path), progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Uploads a seekable stream (re-read from the server's offset after a lost connection). Cancelling terminates the
    /// upload on the server (tus DELETE) so nothing is left behind.
    /// </summary>
    public async Task<UploadResult> UploadAsync(Stream content, string name, string? mime, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!content.CanSeek || !content.CanRead)
        {
            throw new ArgumentException("the content must be readable and seekable (resuming re-reads it)", nameof(content));
        }

        var length = content.Length;
        content.Position = 0;
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
        var reporter = new ProgressReporter(progress, length);
        var (location, fileId) = await WithRetriesAsync(ct => CreateAsync(length, name, mime, sha256, ct), reporter.Retrying, cancellationToken).ConfigureAwait(false);
        try
        {
            fileId ??= await SendChunksAsync(location, content, length, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryTerminateAsync(location, CancellationToken.None).ConfigureAwait(false); // the caller's token is cancelled already
            throw;
        }

        reporter.Report(length, force: true);
        return new UploadResult(fileId, name, length, sha256);
    }

    /// <summary>Asks the server to drop an unfinished upload (tus termination), for at most 5 s; failures are ignored.</summary>
    private async Task TryTerminateAsync(Uri location, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var request = NewRequest(HttpMethod.Delete, location);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // best effort: the server expires abandoned uploads anyway
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Per-request timeouts come from Options; a whole transfer may take far longer than one request.</summary>
    private static HttpClient OwnHttpClient(System.Net.Security.RemoteCertificateValidationCallback? validateCertificate)
    {
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        if (validateCertificate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validateCertificate;
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private async Task<(Uri Location, string? FileId)> CreateAsync(long length, string name, string? mime, string sha256, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, new Uri(_baseAddress(), UploadsPath));
        request.Headers.Add(TusHeaders.UploadLength, length.ToString(CultureInfo.InvariantCulture));
        var metadata = new Dictionary<string, string> { ["filename"] = name, ["sha256"] = sha256 };
        if (!string.IsNullOrEmpty(mime))
        {
            metadata["filetype"] = mime;
        }

        request.Headers.Add(TusHeaders.UploadMetadata, TusHeaders.FormatMetadata(metadata));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "creating the upload", cancellationToken).ConfigureAwait(false);
        var location = response.Headers.Location ?? throw BadResponse(response, "the server created the upload but sent no Location");
        // tus allows a relative Location; ours resolve against the HTTP door.
        return (new Uri(_baseAddress(), location), FileIdOf(response));
    }

    private async Task<string> SendChunksAsync(Uri location, Stream content, long length, ProgressReporter reporter, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(Options.ChunkSize, Math.Max(length, 1))];
        long offset = 0;
        string? fileId = null;
        var resync = false;
        var failures = 0;
        var delay = Options.InitialBackoff;
        while (true)
        {
            try
            {
                if (resync)
                {
                    (offset, fileId) = await HeadAsync(location, cancellationToken).ConfigureAwait(false);
                    reporter.Report(offset, force: true);
                    resync = false;
                }

                if (fileId is not null)
                {
                    return fileId;
                }

                var count = (int)Math.Min(buffer.Length, length - offset);
                content.Position = offset;
                await content.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                var before = offset;
                (offset, fileId) = await PatchAsync(location, offset, buffer, count, cancellationToken).ConfigureAwait(false);
                if (offset > before)
                {
                    failures = 0;
                    delay = Options.InitialBackoff;
                }

                reporter.Report(offset);
                if (fileId is null && offset >= length && count == 0)
                {
                    throw new PiazzaException(PiazzaFailure.TransferFailed, "the server took every byte but sent no file id");
                }
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (++failures >= Options.MaxAttempts)
                {
                    throw GiveUp(ex);
                }

                await WaitToRetryAsync(ex, delay, reporter.Retrying, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxBackoff.Ticks));
                resync = true; // the server may have kept part of what we sent: ask where to continue
            }
        }
    }

    private async Task<(long Offset, string? FileId)> HeadAsync(Uri location, CancellationToken cancellationToken)
    {
        using var timeout = RequestTimeout(cancellationToken);
        using var request = NewRequest(HttpMethod.Head, location);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "resuming the upload", cancellationToken).ConfigureAwait(false);
        return (OffsetOf(response), FileIdOf(response));
    }

    private async Task<(long Offset, string? FileId)> PatchAsync(Uri location, long offset, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        using var timeout = RequestTimeout(cancellationToken);
        using var request = NewRequest(HttpMethod.Patch, location);
        request.Headers.Add(TusHeaders.UploadOffset, offset.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(TusHeaders.UploadChecksum, TusHeaders.ChecksumAlgorithm + " " + Convert.ToBase64String(SHA256.HashData(buffer.AsSpan(0, count))));
        request.Content = new ByteArrayContent(buffer, 0, count);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(TusHeaders.OffsetContentType);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "uploading", cancellationToken).ConfigureAwait(false);
        return (OffsetOf(response), FileIdOf(response));
    }
}
