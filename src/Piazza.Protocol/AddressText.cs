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
    /// What counts as one source for per-address limits: a canonical IPv4 address as it is, an IPv6 address as its /64
    /// (one host usually holds a whole /64, so counting per address would give it 2^64 chances); other text as it is.
    /// </summary>
    public static string Source(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
            || parsed.IsIPv4MappedToIPv6 || IPAddress.IsLoopback(parsed))
        {
            return address;
        }

        var bytes = parsed.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
