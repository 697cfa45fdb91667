using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A deliberately dumb protocol client for tests: writes raw bytes or frames, reads frames as JSON objects, and waits
/// for frames with timeouts (never fixed sleeps). It speaks either door: JSON lines over TCP, or one frame per
/// WebSocket text message over <c>/ws</c>, so one test suite can run against both.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    // Generous: a timeout only bounds how long a failing test takes, and a loaded 2-core CI machine can be slow.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly TcpClient? _tcp;
    private readonly Stream? _stream;
    private readonly StreamReader? _reader;
    private readonly ClientWebSocket? _webSocket;

    private RawClient(TcpClient tcp, Stream? stream = null)
    {
        _tcp = tcp;
        _stream = stream ?? tcp.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false), false, 1 << 16);
    }

    private RawClient(ClientWebSocket webSocket)
    {
        _webSocket = webSocket;
    }

    /// <summary>The welcome this connection got (set by the hello, register and login steps); fails if there was none.</summary>
    public JsonObject Welcome
    {
        get => _welcome ?? throw new InvalidOperationException("this connection has not been welcomed");
        internal set => _welcome = value;
    }

    private JsonObject? _welcome;

    /// <summary>This end's address as the server sees it (TCP clients; null over WebSocket).</summary>
    public string? LocalEndPoint => _tcp?.Client.LocalEndPoint is System.Net.IPEndPoint local
        ? new System.Net.IPEndPoint(local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address, local.Port).ToString()
        : null;

    /// <summary>The WebSocket close status once the server closed it (WebSocket clients only).</summary>
    public WebSocketCloseStatus? CloseStatus => _webSocket?.CloseStatus;

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawClient(tcp);
    }

    /// <summary>Connects to the native door over TLS, trusting the server's certificate as <paramref name="validate"/> decides.</summary>
    public static async Task<RawClient> ConnectTlsAsync(int port, RemoteCertificateValidationCallback validate)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        var tls = new SslStream(tcp.GetStream(), false, validate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" });
        return new RawClient(tcp, tls);
    }

    /// <summary>Opens the WebSocket door (<c>ws://…/ws</c>, or <c>wss://</c> for an https base), optionally sending an Origin header.</summary>
    public static async Task<RawClient> ConnectWebSocketAsync(Uri httpBase, string? origin = null, RemoteCertificateValidationCallback? validate = null)
    {
        var socket = new ClientWebSocket();
        if (validate is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = validate;
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new RawClient(socket);
    }

    /// <summary>Connects to the native door from another loopback address (<see cref="LoopbackSource"/>).</summary>
    public static async Task<RawClient> ConnectFromAsync(System.Net.IPAddress from, int port)
    {
        var tcp = new TcpClient(new System.Net.IPEndPoint(from, 0)) { NoDelay = true };
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return new RawClient(tcp);
    }

    /// <summary>Opens the WebSocket door from another loopback address (<see cref="LoopbackSource"/>).</summary>
    public static async Task<RawClient> ConnectWebSocketFromAsync(System.Net.IPAddress from, Uri httpBase)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(httpBase) { Scheme = "ws", Path = "/ws" }.Uri;

        // The invoker only opens the connection; the WebSocket owns the stream afterwards.
        using var invoker = new HttpMessageInvoker(LoopbackSource.Handler(from));
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        return new RawClient(socket);
    }

    /// <summary>
    /// Opens <c>wss://…/ws</c> over HTTP/2 (RFC 8441 extended CONNECT) through <paramref name="invoker"/>, so sockets
    /// opened through one invoker share its HTTP/2 connection. Returns the socket, or the refused attempt's status.
    /// </summary>
    public static async Task<(RawClient? Client, HttpStatusCode Status, TimeSpan? RetryAfter)> ConnectWebSocketOverHttp2Async(Uri httpsBase, HttpMessageInvoker invoker)
    {
        var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(httpsBase) { Scheme = "wss", Path = "/ws" }.Uri;
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(uri, invoker, timeout.Token);
            return (new RawClient(socket), socket.HttpStatusCode, null);
        }
        catch (WebSocketException)
        {
            var retryAfter = socket.HttpResponseHeaders?.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
            socket.Dispose();
            return (null, socket.HttpStatusCode, retryAfter is null ? null : TimeSpan.FromSeconds(double.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Connects and says hello; returns the welcome frame.</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> JoinAsync(int port, string user)
        => await HelloAsync(await ConnectAsync(port), user);

    /// <summary>Says hello on an open client; returns the welcome frame.</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> HelloAsync(RawClient client, string user)
    {
        await client.SendAsync(new { type = "hello", user, protocol = 1 });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", $"{user} was not welcomed: {welcome.ToJsonString()}");
        client.Welcome = welcome;
        return (client, welcome);
    }

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame) + "\n");

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes bytes as they are; over WebSocket each line becomes one text message (bytes untouched).</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        if (_stream is not null)
        {
            await _stream.WriteAsync(bytes);
            return;
        }

        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                if (i > start)
                {
                    await _webSocket!.SendAsync(bytes.AsMemory(start, i - start), WebSocketMessageType.Text, true, CancellationToken.None);
                }

                start = i + 1;
            }
        }
    }

    /// <summary>Reads the next frame; fails the test if none arrives in time.</summary>
    public async Task<JsonObject> ReadAsync(TimeSpan? timeout = null)
    {
        // A read of buffered data completes synchronously, so a test draining thousands of frames never returned its
        // pool thread: the crowd test's 200 readers held every pool thread for seconds while a server's socket
        // completion waited in one of their local queues (a hello unread for 10.8 s, caught with dotnet-stack).
        await Task.Yield();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var line = await ReadTextAsync(cts.Token) ?? throw new EndOfStreamException("server closed the connection");
        return JsonNode.Parse(line)!.AsObject();
    }

    private async Task<string?> ReadTextAsync(CancellationToken cancellationToken)
    {
        if (_reader is not null)
        {
            return await _reader.ReadLineAsync(cancellationToken);
        }

        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await _webSocket!.ReceiveAsync(buffer.GetMemory(8192), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // Answer the close as a browser does (the server otherwise waits 2 s for it, then cuts the connection).
                if (_webSocket.State == WebSocketState.CloseReceived)
                {
                    try
                    {
                        await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }
                    catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
                    {
                        // the server cut it first
                    }
                }

                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }
    }

    /// <summary>Reads frames until one matches; the skipped ones are returned in <paramref name="skipped"/> if given.</summary>
    public async Task<JsonObject> ReadUntilAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null, List<JsonObject>? skipped = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("expected frame did not arrive");
            }

            var frame = await ReadAsync(left);
            if (match(frame))
            {
                return frame;
            }

            skipped?.Add(frame);
        }
    }

    /// <summary>True once the server has closed the connection (reads to the end within the timeout).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await ReadTextAsync(cts.Token) is not null)
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes abruptly (TCP RST, or an aborted WebSocket), as a crashed client or a pulled cable would.</summary>
    public void Abort()
    {
        if (_tcp is not null)
        {
            _tcp.Client.LingerState = new LingerOption(true, 0);
            _tcp.Client.Close();
        }
        else
        {
            _webSocket!.Abort();
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _stream?.Dispose();
        _tcp?.Dispose();
        _webSocket?.Dispose();
        return ValueTask.CompletedTask;
    }
}

public static class FrameExtensions
{
    public static string? Type(this JsonObject frame) => frame["type"]?.GetValue<string>();

    public static string? Str(this JsonObject frame, string name) => frame[name]?.GetValue<string>();
}
