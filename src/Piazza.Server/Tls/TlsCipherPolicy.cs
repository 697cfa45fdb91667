using System.Net.Security;

namespace Piazza.Server.Tls;

/// <summary>
/// The cipher suites every TLS door offers: TLS 1.3's own three, and for TLS 1.2 only forward-secret (ECDHE) AEAD
/// suites. The platform default on Linux also offers CBC suites with HMAC (ECDHE-ECDSA-AES128-SHA256 and friends),
/// the family of Lucky13-style padding oracles; every client of the last decade speaks GCM or ChaCha20.
/// </summary>
public static class TlsCipherPolicy
{
    private static CipherSuitesPolicy? _policy;

    /// <summary>The suites offered, TLS 1.3 first (so TLS 1.3 is unchanged by the policy).</summary>
    public static IReadOnlyList<TlsCipherSuite> Suites { get; } =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>
    /// Restricts a handshake to <see cref="Suites"/> where the platform lets us choose (Linux, through OpenSSL);
    /// elsewhere the operating system's own policy (Schannel, Secure Transport) applies.
    /// </summary>
    public static void Apply(SslServerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OperatingSystem.IsLinux())
        {
            // One immutable policy for every handshake; a race only builds it twice.
            options.CipherSuitesPolicy = _policy ??= new CipherSuitesPolicy(Suites);
        }
    }
}
