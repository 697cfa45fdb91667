using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Piazza.Client;

/// <summary>
/// One server of a cluster the client may connect to: a host name or address and a port. Written <c>host:port</c>
/// (<c>[::1]:7070</c> for an IPv6 address); see <see cref="PiazzaClientOptions.Servers"/>.
/// </summary>
public sealed record ServerEndpoint
{
    public ServerEndpoint(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary><c>host:port</c>, with an IPv6 address in brackets: the form <see cref="TryParse"/> reads.</summary>
    public override string ToString()
        => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads <c>host:port</c>, <c>[ipv6]:port</c>, or a bare <c>host</c> (then <paramref name="defaultPort"/>). On failure
    /// <paramref name="error"/> says what is wrong with the value in one sentence.
    /// </summary>
    public static bool TryParse(string? text, int defaultPort, [NotNullWhen(true)] out ServerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var value = (text ?? "").Trim();
        if (value.Length == 0)
        {
            error = "a server is empty: expected HOST:PORT";
            return false;
        }

        string host;
        string? port;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                error = $"'{value}' is not HOST:PORT ([ADDRESS]:PORT for IPv6)";
                return false;
            }

            host = value[1..close];
            port = close + 1 < value.Length ? value[(close + 2)..] : null;
        }
        else if (value.Count(c => c == ':') > 1)
        {
            // A bare IPv6 address has no port; one with a port must be bracketed to tell them apart.
            host = value;
            port = null;
            if (!IPAddress.TryParse(value, out _))
            {
                error = $"'{value}' is not HOST:PORT ([ADDRESS]:PORT for IPv6)";
                return false;
            }
        }
        else
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            error = $"'{value}' names no host: expected HOST:PORT";
            return false;
        }

        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            error = $"'{value}' has no valid port: '{port}' is not a number from 1 to 65535";
            return false;
        }

        endpoint = new ServerEndpoint(host, number);
        error = null;
        return true;
    }

    /// <summary>
    /// Reads several values, each one server or a comma-separated list of them (<c>a:7070,b:7070</c>), in order and
    /// without repeats. Throws <see cref="FormatException"/> naming the first bad value, or when there is none at all.
    /// </summary>
    public static IReadOnlyList<ServerEndpoint> ParseList(IEnumerable<string> values, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(values);
        var servers = new List<ServerEndpoint>();
        foreach (var part in values.SelectMany(v => (v ?? "").Split(',')))
        {
            if (!TryParse(part, defaultPort, out var server, out var error))
            {
                throw new FormatException(error);
            }

            if (!servers.Contains(server))
            {
                servers.Add(server);
            }
        }

        return servers.Count > 0 ? servers : throw new FormatException("no server given: expected HOST:PORT");
    }
}
