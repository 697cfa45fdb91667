using System.Net;

namespace Piazza.Server.Observability;

/// <summary>What operators watch: who may read <c>/metrics</c>, and the log format (docs/operations.md).</summary>
public sealed record ObservabilityOptions
{
    /// <summary>The one spelling of the console (people) and JSON (collectors) log formats.</summary>
    public const string ConsoleLogs = "console", JsonLogs = "json";

    /// <summary>
    /// Networks whose requests <c>/metrics</c> answers: <c>loopback</c> (127.0.0.0/8 and ::1), <c>any</c>, <c>none</c>,
    /// an IP address or a CIDR network. A request bearing <see cref="MetricsToken"/> is answered from anywhere.
    /// </summary>
    public IReadOnlyList<string> Metrics { get; init; } = ["loopback"];

    /// <summary>A bearer token that opens <c>/metrics</c> from any address; null: none.</summary>
    public string? MetricsToken { get; init; }

    /// <summary><see cref="ConsoleLogs"/> or <see cref="JsonLogs"/> (one JSON object per line).</summary>
    public string LogFormat { get; init; } = ConsoleLogs;

    /// <summary>Whether <paramref name="entry"/> is a valid <c>--metrics</c> entry.</summary>
    public static bool IsMetricsEntry(string entry)
        => entry is "loopback" or "any" or "none" || IPAddress.TryParse(entry, out _) || IPNetwork.TryParse(entry, out _);
}
