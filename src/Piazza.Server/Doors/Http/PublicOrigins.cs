using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The origins a browser page of this server can have, the only ones allowed to open its WebSocket: the configured
/// <c>--public-origins</c> (where the page is published, e.g. behind a proxy), plus, with the actual HTTP and HTTPS
/// ports, the localhost names (localhost, 127.0.0.1, [::1], this machine's name) and the addresses it listens on.
/// The request's Host header is never trusted for this: a DNS-rebinding page sends a Host of its own choosing.
/// </summary>
public sealed class PublicOrigins(DoorEndpoints endpoints, NetworkOptions network, ConnectionOptions connections)
{
    private FrozenSet<string>? _known;

    /// <summary>Whether <paramref name="origin"/> (a request's Origin header) is one of this server's origins.</summary>
    public bool Contains(string origin)
    {
        if (Normalize(origin) is not { } normalized)
        {
            return false;
        }

        // Built at the first upgrade, when Kestrel has bound every port (port 0 becomes a real one).
        var known = _known ??= Build();
        return known.Contains(normalized) || IsCurrentLocalAddress(normalized);
    }

    /// <summary>Whether an option value is an origin: http or https, a host, an optional port, nothing after it.</summary>
    public static bool IsOrigin(string text)
        => Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;

    /// <summary>scheme://host:port in lower case with the port always written, so that equal origins compare equal.</summary>
    internal static string? Normalize(string origin)
        => IsOrigin(origin) && Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri)
            ? string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}")
            : null;

    private FrozenSet<string> Build()
    {
        var origins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var configured in connections.PublicOrigins)
        {
            if (Normalize(configured) is { } normalized)
            {
                origins.Add(normalized);
            }
        }

        foreach (var host in LocalHosts())
        {
            foreach (var (scheme, port) in Doors())
            {
                origins.Add(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{port}"));
            }
        }

        return origins.ToFrozenSet(StringComparer.Ordinal);
    }

    private IEnumerable<(string Scheme, int Port)> Doors()
    {
        if (endpoints.HttpEndPoint is { } http)
        {
            yield return ("http", http.Port);
        }

        if (endpoints.HttpsEndPoint is { } https)
        {
            yield return ("https", https.Port);
        }
    }

    private IEnumerable<string> LocalHosts()
    {
        yield return "localhost";
        yield return "127.0.0.1";
        yield return "[::1]";
        yield return Environment.MachineName.ToLowerInvariant();
        if (IPAddress.TryParse(network.Bind, out var bound) && !IsAny(bound))
        {
            yield return HostOf(bound);
        }
        else if (ListensEverywhere)
        {
            foreach (var address in InterfaceAddresses())
            {
                yield return HostOf(address);
            }
        }
    }

    /// <summary>Bound to every address (<c>*</c>, 0.0.0.0, ::), as PiazzaHost reads <c>--bind</c>.</summary>
    private bool ListensEverywhere => network.Bind is "*" or "" || (IPAddress.TryParse(network.Bind, out var bound) && IsAny(bound));

    /// <summary>
    /// Listening on every address, a page may come from an address the machine got after start (DHCP): a refused
    /// origin naming an IP literal is checked against the interfaces of now.
    /// </summary>
    private bool IsCurrentLocalAddress(string normalized)
    {
        if (!ListensEverywhere)
        {
            return false;
        }

        var uri = new Uri(normalized);
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)
            && Doors().Any(d => d.Scheme == uri.Scheme && d.Port == uri.Port)
            && InterfaceAddresses().Any(a => a.Equals(address));
    }

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => new IPAddress(u.Address.GetAddressBytes())) // without an IPv6 scope: origins carry none
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private static string HostOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
