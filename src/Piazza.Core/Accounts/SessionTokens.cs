using System.Security.Cryptography;
using System.Text;

namespace Piazza.Core.Accounts;

/// <summary>Session tokens: 256 random bits, given to the client once, stored only as a SHA-256 hash.</summary>
public static class SessionTokens
{
    public static string Create() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64UrlEncode(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
