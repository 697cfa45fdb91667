using System.Globalization;
using Piazza.Server.Options;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>
/// The browser suite's server: the shared <see cref="TestServer"/> with the production limits put back (flood and
/// connection rates), because people use the page with them on. The values are the
/// defaults of <see cref="PiazzaOptions"/>, so they follow production wherever it moves.
/// </summary>
public static class ProductionServer
{
    private static readonly PiazzaOptions Production = new();

    /// <summary>The settings that undo what the test host loosens for the protocol suites.</summary>
    public static IReadOnlyList<(string Key, string Value)> Limits { get; } =
    [
        ("MessagesPerSecond", Production.Hub.Flood.MessagesPerSecond.ToString(CultureInfo.InvariantCulture)),
        ("AccountMessagesPerSecond", Production.Hub.Flood.AccountMessagesPerSecond.ToString(CultureInfo.InvariantCulture)),
        ("FramesPerSecond", Production.Hub.Flood.FramesPerSecond.ToString(CultureInfo.InvariantCulture)),
        ("MaxConnectionsPerAddress", Production.Connections.MaxConnectionsPerAddress.ToString(CultureInfo.InvariantCulture)),
        ("ConnectionsPerSecondPerAddress", Production.Connections.ConnectionsPerSecondPerAddress.ToString(CultureInfo.InvariantCulture)),
        ("UploadsPerMinute", Production.Files.UploadsPerMinute.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>A fresh server with the production limits; <paramref name="settings"/> as for <see cref="TestServer.StartAsync"/>.</summary>
    public static Task<TestServer> StartAsync(params (string Key, string Value)[] settings) => TestServer.StartAsync([.. Limits, .. settings]);

    /// <summary>A server with the production limits on an existing data folder (a restart keeps its database).</summary>
    public static Task<TestServer> StartInAsync(string data, params (string Key, string Value)[] settings) => TestServer.StartInAsync(data, [.. Limits, .. settings]);

    /// <summary>
    /// A server with the production limits whose database already holds what <paramref name="seed"/> wrote, faster
    /// than a person could: the seeding runs on a test-host server that is then stopped, and its data served again.
    /// </summary>
    public static async Task<TestServer> StartSeededAsync(Func<TestServer, Task> seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var seeding = await TestServer.StartAsync();
        var data = seeding.DataDirectory;
        try
        {
            await seed(seeding);
        }
        finally
        {
            await seeding.StopKeepingDataAsync();
        }

        return await StartInAsync(data);
    }
}
