using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>A minimal tus 1.0.0 client over HttpClient, written from the specification, for the file tests.</summary>
public sealed class TusTestClient(HttpClient http, string token)
{
    public HttpClient Http => http;

    public string Token => token;

    /// <summary>Registers an account over the REST API and returns a client with its token.</summary>
    public static async Task<TusTestClient> RegisterAsync(HttpClient http, string user)
    {
        var response = await http.PostAsJsonAsync("/api/register", new { user, password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return new TusTestClient(http, body["token"]!.GetValue<string>());
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        return data;
    }

    public HttpRequestMessage Request(HttpMethod method, string path, bool tus = true)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (tus)
        {
            request.Headers.Add(TusHeaders.TusResumable, TusHeaders.Version);
        }

        return request;
    }

    public Task<HttpResponseMessage> CreateAsync(long length, string? name, string? sha256Hex, string? type = null)
    {
        var request = Request(HttpMethod.Post, "/api/uploads");
        request.Headers.Add(TusHeaders.UploadLength, length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pairs = new List<KeyValuePair<string, string>>();
        if (name is not null)
        {
            pairs.Add(new("filename", name));
        }

        if (type is not null)
        {
            pairs.Add(new("filetype", type));
        }

        if (sha256Hex is not null)
        {
            pairs.Add(new("sha256", sha256Hex));
        }

        request.Headers.Add(TusHeaders.UploadMetadata, TusHeaders.FormatMetadata(pairs));
        request.Content = new ByteArrayContent([]);
        return http.SendAsync(request);
    }

    /// <summary>Creates an upload and returns its location (fails the test unless 201).</summary>
    public async Task<string> CreateOkAsync(byte[] data, string name = "data.bin")
    {
        var response = await CreateAsync(data.Length, name, Sha256Hex(data));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public Task<HttpResponseMessage> PatchAsync(string location, long offset, HttpContent content, string? checksum = null, CancellationToken cancellationToken = default)
    {
        var request = Request(HttpMethod.Patch, location);
        request.Headers.Add(TusHeaders.UploadOffset, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add(TusHeaders.UploadChecksum, checksum);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue(TusHeaders.OffsetContentType);
        request.Content = content;
        return http.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> PatchAsync(string location, long offset, ReadOnlyMemory<byte> bytes, string? checksum = null)
        => PatchAsync(location, offset, new ReadOnlyMemoryContent(bytes), checksum);

    public async Task<long> OffsetAsync(string location)
    {
        var response = await http.SendAsync(Request(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues(TusHeaders.UploadOffset).Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the server has stored <paramref name="expected"/> bytes of an upload whose body is still arriving.
    /// HEAD is the only thing a client can observe of that, so this polls it, bounded by the usual timeout.
    /// </summary>
    public async Task WaitForOffsetAsync(string location, long expected)
    {
        using var deadline = new CancellationTokenSource(RawClient.DefaultTimeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (await OffsetAsync(location) != expected)
        {
            Assert.False(deadline.IsCancellationRequested, $"the server never reached offset {expected}");
            await poll.WaitForNextTickAsync();
        }
    }

    /// <summary>Uploads everything in chunks (each with its checksum) and returns the file id.</summary>
    public async Task<string> UploadAsync(byte[] data, string name = "data.bin", int chunk = 8 * 1024 * 1024)
    {
        var location = await CreateOkAsync(data, name);
        if (data.Length == 0)
        {
            throw new InvalidOperationException("empty files complete at creation; use CreateAsync");
        }

        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var slice = data.AsMemory(offset, Math.Min(chunk, data.Length - offset));
            var response = await PatchAsync(location, offset, slice, "sha256 " + Convert.ToBase64String(SHA256.HashData(slice.Span)));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(offset + slice.Length, long.Parse(response.Headers.GetValues(TusHeaders.UploadOffset).Single(), System.Globalization.CultureInfo.InvariantCulture));
            if (offset + slice.Length == data.Length)
            {
                return FileId(response)!;
            }

            Assert.False(response.Headers.Contains(TusHeaders.FileId));
        }

        throw new InvalidOperationException("unreachable");
    }

    public static string? FileId(HttpResponseMessage response)
        => response.Headers.TryGetValues(TusHeaders.FileId, out var values) ? values.Single() : null;

    public Task<HttpResponseMessage> DownloadAsync(string fileId, RangeHeaderValue? range = null)
    {
        var request = Request(HttpMethod.Get, $"/api/files/{fileId}", tus: false);
        request.Headers.Range = range;
        return http.SendAsync(request);
    }

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
        => JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!.GetValue<string>();
}
