using System.Reflection;

namespace Piazza.Server;

/// <summary>The server's name and version as shown to clients (<c>welcome.server</c>).</summary>
public static class ServerInfo
{
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string Name { get; } = $"piazza/{Version}";
}
