using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Piazza.Bench.Scenarios;

/// <summary>
/// Clients that make the server hold as much as it will for them and never read a byte: what the memory scenario
/// measures per door. Each holds almost nothing itself (a socket with a small receive buffer), so the growth of the
/// shared process's heap is the server's.
/// </summary>
internal static class MemoryAttackers
{
    /// <summary>Time between a line attacker's history requests.</summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(300);

    /// <summary>Native TCP: hello with a token (which enters the lobby and its history), then history requests.</summary>
    public static async Task<LineAttacker> NativeAsync(IPEndPoint server, string token, int historyFrames, int historyLimit, CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var attacker = new LineAttacker(socket, null);
        await attacker.SendAsync($"{{\"type\":\"hello\",\"token\":\"{token}\"}}", cancellationToken).ConfigureAwait(false);
        await attacker.SendHistoryAsync(historyFrames, historyLimit, cancellationToken, Pace).ConfigureAwait(false);
        return attacker;
    }

    /// <summary>WebSocket: the same frames as <see cref="NativeAsync"/>, one per WebSocket message.</summary>
    public static async Task<LineAttacker> WebSocketAsync(IPEndPoint http, string token, int historyFrames, int historyLimit, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetBuffer(4096, 4096);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{http.Port}/ws"), cancellationToken).ConfigureAwait(false);
        var attacker = new LineAttacker(null, socket);
        await attacker.SendAsync($"{{\"type\":\"hello\",\"token\":\"{token}\"}}", cancellationToken).ConfigureAwait(false);
        await attacker.SendHistoryAsync(historyFrames, historyLimit, cancellationToken, Pace).ConfigureAwait(false);
        return attacker;
    }

    /// <summary>
    /// HTTP/1.1: three pipelined history requests (a connection answers one at a time), never read: the kernel's send
    /// buffer takes the first answers whole, the last is left to the server.
    /// </summary>
    public static async Task<IAsyncDisposable> Http1Async(IPEndPoint http, string token, int historyLimit, CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(http, cancellationToken).ConfigureAwait(false);
        var request = $"GET /api/rooms/lobby/messages?limit={historyLimit} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request + request + request), cancellationToken).ConfigureAwait(false);
        return new Holder(socket);
    }

    /// <summary>
    /// HTTP/2 over TLS: a receive window of 0 (the server may send headers, never data) and <paramref name="streams"/>
    /// history requests, none ever read.
    /// </summary>
    public static async Task<IAsyncDisposable> Http2Async(IPEndPoint https, string token, int streams, int historyLimit, CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(https, cancellationToken).ConfigureAwait(false);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, _, _, _) => true, // loopback, the bench's own dev certificate
            },
            cancellationToken).ConfigureAwait(false);
        using var frames = new MemoryStream();
        frames.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        const ushort InitialWindowSizeSetting = 0x4; // its value stays 0
        var settings = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(settings, InitialWindowSizeSetting);
        WriteFrame(frames, type: 4, flags: 0, stream: 0, settings);
        WriteFrame(frames, type: 4, flags: 1, stream: 0, []);
        for (var i = 0; i < streams; i++)
        {
            var block = new MemoryStream();
            WriteHeader(block, ":method", "GET");
            WriteHeader(block, ":scheme", "https");
            WriteHeader(block, ":authority", "localhost");
            WriteHeader(block, ":path", $"/api/rooms/lobby/messages?limit={historyLimit}");
            WriteHeader(block, "authorization", $"Bearer {token}");
            const byte EndStreamAndHeaders = 0x1 | 0x4;
            WriteFrame(frames, type: 1, flags: EndStreamAndHeaders, stream: (2 * i) + 1, block.ToArray());
        }

        await tls.WriteAsync(frames.ToArray(), cancellationToken).ConfigureAwait(false);
        await tls.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new Holder(tls);
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        // A small receive buffer, so the kernel absorbs little of what the server would send.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        return socket;
    }

    private static void WriteFrame(Stream output, byte type, byte flags, int stream, byte[] payload)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header[5..], stream);
        output.Write(header);
        output.Write(payload);
    }

    /// <summary>HPACK "literal header field without indexing, new name", no Huffman coding.</summary>
    private static void WriteHeader(Stream block, string name, string value)
    {
        block.WriteByte(0);
        WriteString(block, name);
        WriteString(block, value);
    }

    private static void WriteString(Stream block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var length = bytes.Length;
        if (length < 127)
        {
            block.WriteByte((byte)length);
        }
        else
        {
            block.WriteByte(127);
            for (length -= 127; length >= 128; length >>= 7)
            {
                block.WriteByte((byte)((length & 0x7f) | 0x80));
            }

            block.WriteByte((byte)length);
        }

        block.Write(bytes);
    }

    private sealed class Holder(IDisposable connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A native or WebSocket client that asks for history and never reads.</summary>
    internal sealed class LineAttacker(Socket? socket, ClientWebSocket? webSocket) : IAsyncDisposable
    {
        private int _sent;

        /// <summary>Sends <paramref name="frames"/> history requests, one every <paramref name="pace"/> (the server's writes drain to the kernel meanwhile, as they would for a real attacker).</summary>
        public async Task SendHistoryAsync(int frames, int limit, CancellationToken cancellationToken, TimeSpan pace = default)
        {
            for (var i = 0; i < frames; i++)
            {
                if (i > 0 && pace > TimeSpan.Zero)
                {
                    await Task.Delay(pace, cancellationToken).ConfigureAwait(false);
                }

                await SendAsync($"{{\"type\":\"history\",\"room\":\"lobby\",\"limit\":{limit},\"id\":\"h{_sent++}\"}}", cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task SendAsync(string frame, CancellationToken cancellationToken)
        {
            if (socket is not null)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame + "\n"), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await webSocket!.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
        }

        public ValueTask DisposeAsync()
        {
            socket?.Dispose();
            webSocket?.Abort();
            webSocket?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
