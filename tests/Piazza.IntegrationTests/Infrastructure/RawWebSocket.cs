using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Just enough WebSocket (RFC 6455) over a bare TCP socket to send text messages and read the server's frames byte for
/// byte. <see cref="System.Net.WebSockets.ClientWebSocket"/> reports no close status when a reset follows the server's
/// close frame; reading the bytes ourselves, the close frame is asserted as sent.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private const byte Text = 0x1;
    private const byte Close = 0x8;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Opens <c>/ws</c> on <paramref name="httpBase"/> with a hand-written upgrade request; fails unless the answer is 101.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri httpBase)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", httpBase.Port);
        var socket = new RawWebSocket(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{httpBase.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));

        // The response head ends with an empty line; read it byte by byte so no frame byte is consumed with it.
        var head = new StringBuilder();
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            head.Append((char)await socket.ReadByteAsync(timeout.Token));
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>Sends one complete text message holding <paramref name="payload"/> as it is (no UTF-8 check), masked as a client must.</summary>
    public async Task SendTextAsync(byte[] payload)
    {
        Assert.True(payload.Length < 126, "short messages only");
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x80 | Text;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _stream.WriteAsync(frame);
    }

    public Task SendTextAsync(string text) => SendTextAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads the next text message the server sends.</summary>
    public async Task<string> ReadTextAsync()
    {
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        var (opcode, payload) = await ReadFrameAsync(timeout.Token);
        Assert.Equal(Text, opcode);
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Reads frames until the server's close frame and returns its status code; fails if the stream ends without one.</summary>
    public async Task<int> ReadCloseStatusAsync()
    {
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (true)
        {
            var (opcode, payload) = await ReadFrameAsync(timeout.Token);
            if (opcode == Close)
            {
                Assert.True(payload.Length >= 2, "a close frame without a status code");
                return BinaryPrimitives.ReadUInt16BigEndian(payload);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(byte Opcode, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var first = await ReadByteAsync(cancellationToken);
        var second = await ReadByteAsync(cancellationToken);
        Assert.True((first & 0x80) != 0, "fragmented server frames are not expected here");
        Assert.True((second & 0x80) == 0, "a server must not mask its frames");
        long length = second & 0x7F;
        if (length >= 126)
        {
            var extended = await ReadExactlyAsync(length == 126 ? 2 : 8, cancellationToken);
            length = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(extended) : (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        return ((byte)(first & 0x0F), await ReadExactlyAsync((int)length, cancellationToken));
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    private async Task<byte> ReadByteAsync(CancellationToken cancellationToken) => (await ReadExactlyAsync(1, cancellationToken))[0];
}
