using System.Net;
using System.Net.Sockets;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Integrations.Webhooks;

/// <summary>
/// The allow-list of outgoing webhooks' destinations (<c>--webhook-allowed-hosts</c>), checked when a webhook is
/// registered and again at every connection, on the address actually connected to: a listed name reaches public
/// addresses only, so a name whose DNS later points at loopback, a private network or link-local (cloud metadata)
/// is refused; such an address is reached only when it is listed itself. Only http and https.
/// </summary>
public sealed class WebhookDestinations
{
    private readonly List<(string Host, int? Port, IPAddress? Address)> _entries;

    public WebhookDestinations(IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _entries = [.. allowed.Select(Parse).OfType<(string, int?, IPAddress?)>()];
    }

    /// <summary>Outgoing webhooks are on (some destination is allowed).</summary>
    public bool Enabled => _entries.Count > 0;

    /// <summary>An entry of the list: a host name or IP address (IPv6 in brackets with a port), optionally with :port.</summary>
    public static bool IsEntry(string entry) => Parse(entry) is not null;

    /// <summary>Why a webhook may not POST to <paramref name="url"/>; null when it may.</summary>
    public HubError? Problem(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Enabled)
        {
            return new HubError(ErrorCode.Forbidden, "outgoing webhooks are off on this server: an admin allows destinations with --webhook-allowed-hosts");
        }

        if (url.Scheme is not ("http" or "https"))
        {
            return new HubError(ErrorCode.BadRequest, "webhooks POST over http or https only");
        }

        return Allows(url.IdnHost, url.Port)
            ? null
            : new HubError(ErrorCode.Forbidden, $"'{url.Host}:{url.Port}' is not an allowed webhook destination (--webhook-allowed-hosts)");
    }

    /// <summary>Whether the list names this host (and port).</summary>
    public bool Allows(string host, int port) => _entries.Any(e => string.Equals(e.Host, Unbracket(host), StringComparison.OrdinalIgnoreCase) && (e.Port is null || e.Port == port));

    /// <summary>Whether a connection to <paramref name="host"/> may go to <paramref name="address"/>, one of the addresses it resolved to.</summary>
    public bool AllowsAddress(string host, int port, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_entries.Any(e => e.Address is { } listed && listed.Equals(address) && (e.Port is null || e.Port == port)))
        {
            return true;
        }

        return Allows(host, port) && IsPublic(address);
    }

    /// <summary>Not loopback, private, link-local, unique-local, shared (CGNAT), unspecified or multicast.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC);
        }

        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }

    private static (string Host, int? Port, IPAddress? Address)? Parse(string entry)
    {
        entry = entry.Trim();
        if (entry.Length is 0 or > 255)
        {
            return null;
        }

        // "host", "host:port", "1.2.3.4", "1.2.3.4:port", "::1", "[::1]", "[::1]:port".
        if (IPAddress.TryParse(Unbracket(entry), out var bare) && !entry.StartsWith('[') == !entry.EndsWith(']'))
        {
            return (bare.ToString(), null, bare);
        }

        if (!Uri.TryCreate($"http://{entry}/", UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return null;
        }

        var port = entry.EndsWith($":{uri.Port}", StringComparison.Ordinal) ? uri.Port : (int?)null;
        var host = Unbracket(uri.IdnHost);
        return IPAddress.TryParse(host, out var address) ? (address.ToString(), port, address) : (host.ToLowerInvariant(), port, null);
    }

    private static string Unbracket(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
}
