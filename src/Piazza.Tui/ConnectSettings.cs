using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>Where and as whom to connect; filled from the command line and, in the UI, the login dialog.</summary>
internal sealed record ConnectSettings(string Host, int Port, string? User)
{
    public const string DefaultHost = "127.0.0.1";

    public const string ClientName = "piazza-tui/0.1";

    public static ConnectSettings Default { get; } = new(DefaultHost, ProtocolConstants.DefaultPort, null);

    /// <summary>Client options for these settings; <paramref name="reconnect"/> is off for scripts, which should fail fast.</summary>
    public PiazzaClientOptions ToClientOptions(bool reconnect) => new()
    {
        Host = Host,
        Port = Port,
        User = User ?? "",
        ClientName = ClientName,
        Reconnect = reconnect,
    };
}
