using System.Net;
using System.Net.Sockets;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A loopback port nobody listens on right now, for a child process that must keep its port across restarts (a
/// restarted node or redis-server is found where its clients left it). The port is free when returned; another
/// process could take it before the child binds, which on a test machine is rare and fails loudly at bind.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
