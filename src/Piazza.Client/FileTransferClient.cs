using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Uploads files with tus 1.0.0 (creation, checksum with sha256, termination) to <c>/api/uploads</c> and downloads
/// them from <c>/api/files/{id}</c>, both with the session token as a bearer token. A lost connection or a server
/// restart is ridden out with backoff: an upload asks the server how far it got (HEAD) and continues from there, a
/// download continues with a Range request. Thread-safe; one instance can run several transfers.
/// </summary>
public sealed class FileTransferClient : IDisposable
{
    private const string UploadsPath = "api/uploads";
    private const string FilesPath = "api/files/";

    /// <summary>tus's status for a chunk whose checksum did not match what arrived.</summary>
    private const int ChecksumMismatch = 460;

    private readonly HttpClient _http;
    private readonly Func<string?> _token;

    /// <param name="baseAddress">The HTTP door, e.g. <c>http://127.0.0.1:8080/</c>.</param>
    /// <param name="token">Returns the current session token (it changes with a password change).</param>
    /// <param name="validateCertificate">For an https address: how to trust the server's certificate; null means the system's trust.</param>
    public FileTransferClient(Uri baseAddress, Func<string?> token, FileTransferOptions? options = null, System.Net.Security.RemoteCertificateValidationCallback? validateCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(token);
        Options = options ?? new FileTransferOptions();
        _token = token;
        // Per-request timeouts come from Options; a whole transfer may take far longer than one request.
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        if (validateCertificate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validateCertificate;
        }

        _http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
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
            throw new FileTransferException(0, "local_file", $"cannot read {path}: {ex.Message}");
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
            await TryTerminateAsync(location).ConfigureAwait(false);
            throw;
        }

        reporter.Report(length, force: true);
        return new UploadResult(fileId, name, length, sha256);
    }

    /// <summary>
    /// Downloads a file. <paramref name="destination"/> is a file path, or an existing folder (the server's name for
    /// the file is used, made safe). Bytes go to a <c>.part</c> file that is moved into place only when complete (and
    /// matching <paramref name="expectedSha256"/> when given); an existing <c>.part</c> is continued with a Range request.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(string fileId, string destination, Action<TransferProgress>? progress = null, string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var intoFolder = Directory.Exists(destination);
        var partPath = intoFolder ? Path.Combine(destination, $".piazza-{SafeFileName(fileId)}.part") : destination + ".part";
        var download = new DownloadState(partPath);
        void Retrying(string why) => progress?.Invoke(new TransferProgress(download.Received, download.Total) { Retrying = why });
        await WithRetriesAsync(ct => DownloadOnceAsync(fileId, download, progress, ct), Retrying, cancellationToken, () => download.Received).ConfigureAwait(false);

        if (expectedSha256 is not null)
        {
            var stream = File.OpenRead(partPath);
            await using (stream.ConfigureAwait(false))
            {
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
                if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    stream.Close();
                    File.Delete(partPath);
                    throw new FileTransferException(0, "hash_mismatch", $"the downloaded file's SHA-256 is {actual}, expected {expectedSha256}; deleted it");
                }
            }
        }

        var finalPath = intoFolder ? FreePath(Path.Combine(destination, SafeFileName(download.Name ?? fileId))) : destination;
        File.Move(partPath, finalPath, overwrite: true);
        return new DownloadResult(finalPath, download.Name, download.Total);
    }

    /// <summary>Asks the server to drop an unfinished upload (tus termination); failures are ignored.</summary>
    public async Task TryTerminateAsync(Uri location)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var request = NewRequest(HttpMethod.Delete, location);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // best effort: the server expires abandoned uploads anyway
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<(Uri Location, string? FileId)> CreateAsync(long length, string name, string? mime, string sha256, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, new Uri(UploadsPath, UriKind.Relative));
        request.Headers.Add(TusHeaders.UploadLength, length.ToString(CultureInfo.InvariantCulture));
        var metadata = new Dictionary<string, string> { ["filename"] = name, ["sha256"] = sha256 };
        if (!string.IsNullOrEmpty(mime))
        {
            metadata["filetype"] = mime;
        }

        request.Headers.Add(TusHeaders.UploadMetadata, TusHeaders.FormatMetadata(metadata));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "creating the upload", cancellationToken).ConfigureAwait(false);
        var location = response.Headers.Location ?? throw new FileTransferException((int)response.StatusCode, "bad_response", "the server created the upload but sent no Location");
        // tus allows a relative Location; ours resolve against the HTTP door.
        return (new Uri(_http.BaseAddress!, location), FileIdOf(response));
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
                    throw new FileTransferException(0, "bad_response", "the server took every byte but sent no file id");
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

    private async Task DownloadOnceAsync(string fileId, DownloadState state, Action<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var have = File.Exists(state.PartPath) ? new FileInfo(state.PartPath).Length : 0;
        using var timeout = RequestTimeout(cancellationToken);
        using var request = NewRequest(HttpMethod.Get, new Uri(FilesPath + Uri.EscapeDataString(fileId), UriKind.Relative));
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The part file is complete already (or longer than the file): finish, or start over.
            if (response.Content.Headers.ContentRange?.Length == have)
            {
                state.Total = have;
                progress?.Invoke(new TransferProgress(have, have));
                return;
            }

            File.Delete(state.PartPath);
            throw new HttpRequestException("the partial download did not fit the file; starting over");
        }

        await EnsureSuccessAsync(response, "downloading", cancellationToken).ConfigureAwait(false);
        var partial = response.StatusCode == HttpStatusCode.PartialContent;
        var start = partial ? response.Content.Headers.ContentRange?.From ?? have : 0;
        state.Total = partial ? response.Content.Headers.ContentRange?.Length ?? -1 : response.Content.Headers.ContentLength ?? -1;
        state.Name = NameOf(response.Content.Headers.ContentDisposition) ?? state.Name;
        var reporter = new ProgressReporter(progress, state.Total);
        reporter.Report(start, force: true);

        var output = new FileStream(state.PartPath, partial ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            output.SetLength(start);
            output.Position = start;
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                var written = start;
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), timeout.Token).ConfigureAwait(false);
                    written += read;
                    state.Received += read;
                    reporter.Report(written);
                }

                await output.FlushAsync(timeout.Token).ConfigureAwait(false);
                if (state.Total >= 0 && written != state.Total)
                {
                    throw new IOException($"the download ended after {written} of {state.Total} bytes");
                }

                state.Total = written;
                reporter.Report(written, force: true);
            }
        }
    }

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
        FileTransferException f => f.Status is >= 500 and not 501 and not 507 or 409 or 423 or ChecksumMismatch,
        _ => false,
    };

    private static FileTransferException GiveUp(Exception last) => last is FileTransferException known
        ? known
        : new FileTransferException(0, PiazzaException.Unreachable, $"gave up after repeated failures: {last.Message}");

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

    /// <summary>Turns a refusal into a <see cref="FileTransferException"/> with the API's code and message when it sent JSON.</summary>
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

        throw new FileTransferException(status, code, $"{what} failed: {message} ({status})");
    }

    private static long OffsetOf(HttpResponseMessage response)
        => response.Headers.TryGetValues(TusHeaders.UploadOffset, out var values) && TusHeaders.TryParseLength(values.FirstOrDefault(), out var offset)
            ? offset
            : throw new FileTransferException((int)response.StatusCode, "bad_response", "the server sent no Upload-Offset");

    private static string? FileIdOf(HttpResponseMessage response)
        => response.Headers.TryGetValues(TusHeaders.FileId, out var values) && values.FirstOrDefault() is { Length: > 0 } id ? id : null;

    private static string? NameOf(ContentDispositionHeaderValue? disposition)
    {
        var name = disposition?.FileNameStar ?? disposition?.FileName;
        return string.IsNullOrWhiteSpace(name) ? null : name.Trim('"');
    }

    /// <summary>A server-given name made safe as one file name in a folder: no separators, no control characters.</summary>
    public static string SafeFileName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var invalid = Path.GetInvalidFileNameChars();
        var cleaned = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) || c is '/' or '\\' ? '_' : c)]).Trim().TrimStart('.');
        return cleaned.Length == 0 ? "download" : cleaned.Length > 200 ? cleaned[..200] : cleaned;
    }

    /// <summary>The path itself, or <c>name (1).ext</c>, <c>name (2).ext</c>, … when it exists: a download never overwrites a file it chose itself.</summary>
    private static string FreePath(string path)
    {
        var folder = Path.GetDirectoryName(path) ?? ".";
        var stem = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var candidate = path;
        for (var i = 1; File.Exists(candidate); i++)
        {
            candidate = Path.Combine(folder, $"{stem} ({i}){extension}");
        }

        return candidate;
    }

    /// <summary>What a download learned across its attempts.</summary>
    private sealed class DownloadState(string partPath)
    {
        public string PartPath { get; } = partPath;

        public string? Name { get; set; }

        public long Total { get; set; } = -1;

        /// <summary>Bytes received over all attempts (a retry that made progress is not a failure in a row).</summary>
        public long Received { get; set; }
    }

    /// <summary>Reports progress about 200 times per transfer, not per buffer, so a UI is not flooded.</summary>
    private sealed class ProgressReporter(Action<TransferProgress>? progress, long total)
    {
        private readonly long _step = Math.Max(total / 200, 64 * 1024);
        private long _last = -1;

        public void Retrying(string why) => progress?.Invoke(new TransferProgress(Math.Max(_last, 0), total) { Retrying = why });

        public void Report(long done, bool force = false)
        {
            if (progress is null || (!force && _last >= 0 && done - _last < _step && done != total))
            {
                return;
            }

            _last = done;
            progress(new TransferProgress(done, total));
        }
    }
}
