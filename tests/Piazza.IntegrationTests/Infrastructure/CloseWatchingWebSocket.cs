using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A <see cref="ClientWebSocket"/> on <c>/ws</c> that sends whole messages exactly as given (fragmented, binary, with
/// line breaks) and reads until the server's close frame, giving its status code and reason as sent.
/// </summary>
public sealed class CloseWatchingWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    private CloseWatchingWebSocket()
    {
    }

    public static async Task<CloseWatchingWebSocket> ConnectAsync(Uri httpBase)
    {
        var client = new CloseWatchingWebSocket();
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        await client._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{httpBase.Port}/ws"), timeout.Token);
        return client;
    }

    /// <summary>Connects and says hello as <paramref name="user"/> (a guest, or with a token); fails unless welcomed.</summary>
    public static async Task<CloseWatchingWebSocket> HelloAsync(Uri httpBase, string? user, string? token = null)
    {
        var client = await ConnectAsync(httpBase);
        await client.SendAsync(token is null ? $"{{\"type\":\"hello\",\"user\":\"{user}\"}}" : $"{{\"type\":\"hello\",\"token\":\"{token}\"}}");
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(welcome.Type() == "welcome", welcome.ToJsonString());
        return client;
    }

    /// <summary>Sends one text message, in as many fragments as <paramref name="fragments"/> has parts.</summary>
    public async Task SendAsync(params string[] fragments)
    {
        for (var i = 0; i < fragments.Length; i++)
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(fragments[i]), WebSocketMessageType.Text, i == fragments.Length - 1, CancellationToken.None);
        }
    }

    public Task SendBinaryAsync(byte[] payload) => _socket.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Reads frames until one matches; fails on a close or a timeout.</summary>
    public async Task<JsonObject> ReadUntilAsync(Func<JsonObject, bool> match)
    {
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (true)
        {
            var text = await ReceiveAsync(timeout.Token) ?? throw new EndOfStreamException($"closed with {_socket.CloseStatus} '{_socket.CloseStatusDescription}'");
            var frame = JsonNode.Parse(text)!.AsObject();
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads (and drops) frames until the server's close frame; its code and reason, answering it as a browser does.</summary>
    public async Task<(int Code, string Reason)> ReadCloseAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? RawClient.DefaultTimeout);
        while (await ReceiveAsync(timeout.Token) is not null)
        {
        }

        return ((int)_socket.CloseStatus!.Value, _socket.CloseStatusDescription ?? "");
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                try
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }
                }
                catch (WebSocketException)
                {
                    // the server cut the connection after its close frame
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
}
