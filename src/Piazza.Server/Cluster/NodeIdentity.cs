using System.Buffers;

namespace Piazza.Server.Cluster;

/// <summary>The node's name: given by --node-id, or the host name and the native port (unique on one machine).</summary>
public static class NodeIdentity
{
    private const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    public static bool IsValid(string value) => value.Length is > 0 and <= MaxLength && !value.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>The configured name, or one made from the host name (cut to what a name may hold) and the port.</summary>
    public static string Of(string? configured, int nativePort)
    {
        if (configured is not null)
        {
            return configured;
        }

        var host = new string([.. Environment.MachineName.Where(Allowed.Contains)]);
        var suffix = $"-{nativePort}";
        host = host.Length == 0 ? "node" : host[..Math.Min(host.Length, MaxLength - suffix.Length)];
        return host + suffix;
    }
}
