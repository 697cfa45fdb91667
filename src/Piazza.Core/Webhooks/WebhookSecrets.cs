using System.Security.Cryptography;
using System.Text;

namespace Piazza.Core.Webhooks;

/// <summary>Webhook ids and secrets: 256 random bits each secret, shown once; the store keeps an incoming secret's SHA-256 only.</summary>
public static class WebhookSecrets
{
    /// <summary>Longest secret a request may present: a secret is 43 characters; more is refused before hashing.</summary>
    public const int MaxSecretChars = 128;

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A webhook's id: 64 random bits in hex (ids are not secrets; they name a webhook in its room's lists).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
