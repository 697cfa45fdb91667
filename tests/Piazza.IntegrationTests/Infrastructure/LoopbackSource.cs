using System.Net;
using System.Net.Sockets;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Other loopback addresses to connect from (127.0.0.2, 127.0.0.3, …: all of 127/8 is this machine on Linux), so
/// per-address rules can be tested with an attacker and an owner at different addresses of one machine.
/// </summary>
public static class LoopbackSource
{
    /// <summary>127.0.0.<paramref name="last"/>.</summary>
    public static IPAddress Address(byte last) => new([127, 0, 0, last]);

    /// <summary>An HTTP handler whose connections come from <paramref name="from"/> (for HttpClient and ClientWebSocket).</summary>
    public static SocketsHttpHandler Handler(IPAddress from) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>An HttpClient for <paramref name="httpBase"/> whose connections come from <paramref name="from"/>.</summary>
    public static HttpClient HttpClient(IPAddress from, Uri httpBase) => new(Handler(from)) { BaseAddress = httpBase };
}
