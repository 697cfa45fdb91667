using System.Net;

namespace Piazza.Protocol;

/// <summary>
/// An IP address in one canonical text form, so bans and per-address limits compare like with like. Doors normalise
/// the peer's address and any address a frame names before the core sees them; the core only compares strings.
/// </summary>
public static class AddressText
{
    /// <summary>The canonical form (IPv4-mapped IPv6 as IPv4, brackets dropped), or null when it is not an IP address.</summary>
    public static string? Normalize(string? address)
    {
        if (!IPAddress.TryParse(address?.Trim('[', ']'), out var parsed))
        {
            return null;
        }

        return (parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed).ToString();
    }

    /// <summary>
    /// The key a per-address limit counts under: the address itself, or for IPv6 its /64 (see <see cref="LimitGroup"/>).
    /// Text that is no IP address is its own key.
    /// </summary>
    public static string LimitKey(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPAddress.TryParse(address.Trim('[', ']'), out var parsed))
        {
            return address;
        }

        var group = LimitGroup(parsed);
        return group.Equals(parsed) || parsed.IsIPv4MappedToIPv6 ? group.ToString() : group + "/64";
    }

    /// <summary>
    /// What counts as one source for every per-address limit: IPv4 (mapped or not) and loopback as they are, other IPv6
    /// as its /64 (one host usually holds a whole /64; counting per address would give it 2^64 chances).
    /// </summary>
    public static IPAddress LimitGroup(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
