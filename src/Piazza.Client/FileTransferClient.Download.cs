using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Piazza.Client.Internal;

namespace Piazza.Client;

/// <summary>Downloads: Range resume into a <c>.part</c> file, checksum check, and a safe final name.</summary>
public sealed partial class FileTransferClient
{
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
                    throw new PiazzaException(PiazzaFailure.HashMismatch, $"the downloaded file's SHA-256 is {actual}, expected {expectedSha256}; deleted it");
                }
            }
        }

        var finalPath = intoFolder ? FreePath(Path.Combine(destination, SafeFileName(download.Name ?? fileId))) : destination;
        File.Move(partPath, finalPath, overwrite: true);
        return new DownloadResult(finalPath, download.Name, download.Total);
    }

    private async Task DownloadOnceAsync(string fileId, DownloadState state, Action<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var have = File.Exists(state.PartPath) ? new FileInfo(state.PartPath).Length : 0;
        using var timeout = RequestTimeout(cancellationToken);
        using var request = NewRequest(HttpMethod.Get, new Uri(_baseAddress(), FilesPath + Uri.EscapeDataString(fileId)));
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

    private static string? NameOf(ContentDispositionHeaderValue? disposition)
    {
        var name = disposition?.FileNameStar ?? disposition?.FileName;
        return string.IsNullOrWhiteSpace(name) ? null : name.Trim('"');
    }

    /// <summary>A server-given name made safe as one file name in a folder: no separators, no control characters.</summary>
    internal static string SafeFileName(string name)
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
}
