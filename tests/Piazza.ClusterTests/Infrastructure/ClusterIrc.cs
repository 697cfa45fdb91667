using System.Globalization;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A node's IRC door. Nodes start with <c>--irc-port 0</c>, so the port is the one the node printed at start; once that
/// line has scrolled out of the kept output, it is the node's one listening socket that is neither its native nor its
/// HTTP port (read from /proc, as the node's process id is there for).
/// </summary>
public static class ClusterIrc
{
    public static int IrcPort(this ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var printed = node.RecentOutput.Split('\n').Select(IrcPortClients.PortIn).LastOrDefault(p => p is not null);
        if (printed is { } port)
        {
            return port;
        }

        var others = ListeningPorts(node.ProcessId).Where(p => p != node.Port && p != node.HttpPort).Distinct().ToList();
        return others.Count == 1 ? others[0] : throw new InvalidOperationException($"{node}: cannot tell its IRC port among [{string.Join(", ", others)}]");
    }

    /// <summary>A guest registered on the node's IRC door.</summary>
    public static Task<IrcTestClient> IrcGuestAsync(this ClusterNode node, string nick) => IrcPortClients.RegisterGuestAsync(node.IrcPort(), nick);

    /// <summary>The TCP ports <paramref name="processId"/> listens on: its socket inodes matched in /proc/net/tcp{,6}.</summary>
    private static IEnumerable<int> ListeningPorts(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{processId}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        foreach (var table in new[] { "tcp", "tcp6" })
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/net/{table}").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    yield return int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
    }
}
