using System.Net;
using Piazza.Client;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>Gives the client library every node of a cluster, tried in this order (the first is where it connects).</summary>
internal static class ClientServers
{
    public static PiazzaClientOptions WithServers(this PiazzaClientOptions options, IReadOnlyList<IPEndPoint> servers)
        => options with { Servers = [.. servers.Select(s => new ServerEndpoint(s.Address.ToString(), s.Port))] };
}
