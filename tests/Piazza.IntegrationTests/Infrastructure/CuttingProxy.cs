using System.Net;
using System.Net.Sockets;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server that can cut every connection once a given number of bytes has
/// passed in one direction: a real lost connection in the middle of a transfer, at a point the test chooses.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private long _upstream;
    private long _downstream;
    private long _cutUpstreamAt = long.MaxValue;
    private long _cutDownstreamAt = long.MaxValue;
    private int _cuts;

    public CuttingProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri HttpBase => new($"http://127.0.0.1:{Port}/");

    /// <summary>How many times connections were cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Cuts every connection once this many more client-to-server bytes have passed.</summary>
    public void CutAfterUpstreamBytes(long bytes) => Volatile.Write(ref _cutUpstreamAt, Interlocked.Read(ref _upstream) + bytes);

    /// <summary>Cuts every connection once this many more server-to-client bytes have passed.</summary>
    public void CutAfterDownstreamBytes(long bytes) => Volatile.Write(ref _cutDownstreamAt, Interlocked.Read(ref _downstream) + bytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopping
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_gate)
            {
                _open.Add(client);
                _open.Add(server);
            }

            _ = PumpAsync(client, server, upstream: true);
            _ = PumpAsync(server, client, upstream: false);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool upstream)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                var total = upstream ? Interlocked.Add(ref _upstream, read) : Interlocked.Add(ref _downstream, read);
                ref var limit = ref upstream ? ref _cutUpstreamAt : ref _cutDownstreamAt;
                var cutAt = Volatile.Read(ref limit);
                if (total >= cutAt && Interlocked.CompareExchange(ref limit, long.MaxValue, cutAt) == cutAt)
                {
                    Interlocked.Increment(ref _cuts);
                    CutAll();
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // cut, or closed by the other side
        }
    }

    /// <summary>Resets every relayed connection (both sides see a broken connection, as when a cable is pulled).</summary>
    private void CutAll()
    {
        lock (_gate)
        {
            foreach (var socket in _open)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0); // RST, not a polite FIN
                    socket.Close();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // already gone
                }
            }

            _open.Clear();
        }
    }
}
