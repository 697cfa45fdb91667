using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A deliberately dumb protocol client for tests: writes raw bytes or frames, reads lines as JSON objects,
/// and waits for frames with timeouts (never fixed sleeps).
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false), false, 1 << 16);
    }

    public Socket Socket => _tcp.Client;

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawClient(tcp);
    }

    /// <summary>Connects and says hello; returns the welcome frame.</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> JoinAsync(int port, string user)
    {
        var client = await ConnectAsync(port);
        await client.SendAsync(new { type = "hello", user, protocol = 1 });
        var welcome = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.Equal("welcome", welcome.Type());
        return (client, welcome);
    }

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame) + "\n");

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads the next frame; fails the test if none arrives in time.</summary>
    public async Task<JsonObject> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("server closed the connection");
        return JsonNode.Parse(line)!.AsObject();
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

    /// <summary>True once the server has closed the connection (reads to end of stream within the timeout).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await _reader.ReadLineAsync(cts.Token) is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes the socket with a RST, as a crashed client or a pulled cable would.</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

public static class FrameExtensions
{
    public static string? Type(this JsonObject frame) => frame["type"]?.GetValue<string>();

    public static string? Str(this JsonObject frame, string name) => frame[name]?.GetValue<string>();
}
