using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Piazza.Client.Internal;

/// <summary>
/// Decides whether the server's certificate is trusted: system trust and host name by default; a CA file adds roots
/// (custom trust, host name still checked); a fingerprint trusts that one certificate; insecure trusts anything.
/// Records why a certificate was refused, for a clear message.
/// </summary>
internal sealed class TlsVerifier
{
    private readonly PiazzaClientOptions _options;
    private readonly string? _host;
    private readonly X509Certificate2Collection? _roots;
    private readonly string? _fingerprint;

    /// <param name="host">The server's host name, which the certificate must name; null: the host of each HTTP request (file transfers follow the node we are connected to).</param>
    public TlsVerifier(PiazzaClientOptions options, string? host)
    {
        _options = options;
        _host = host;
        if (options.CaFile is not null)
        {
            _roots = [];
            try
            {
                _roots.ImportFromPemFile(options.CaFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new PiazzaException(PiazzaFailure.TlsFailed, $"cannot read --ca {options.CaFile}: {ex.Message}");
            }

            if (_roots.Count == 0)
            {
                throw new PiazzaException(PiazzaFailure.TlsFailed, $"{options.CaFile} holds no PEM certificate");
            }
        }

        _fingerprint = options.Fingerprint?.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>Why the last certificate was refused; null when it was accepted.</summary>
    public string? Refusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Refusal = Check(certificate, errors, _host ?? (sender as HttpRequestMessage)?.RequestUri?.Host);
        return Refusal is null;
    }

    private string? Check(X509Certificate? certificate, SslPolicyErrors errors, string? host)
    {
        if (_options.Insecure)
        {
            return null;
        }

        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        using var server = new X509Certificate2(certificate);
        var actual = server.GetCertHashString(HashAlgorithmName.SHA256);
        if (_fingerprint is not null)
        {
            return string.Equals(actual, _fingerprint, StringComparison.Ordinal)
                ? null
                : $"the server's certificate (SHA-256 {actual}) does not match the pinned fingerprint {_fingerprint}";
        }

        if (_roots is not null)
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return $"the server's certificate ({server.Subject}) is not for host '{host}'";
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(server)
                ? null
                : $"the server's certificate ({server.Subject}, SHA-256 {actual}) is not signed by a certificate in {_options.CaFile}";
        }

        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        var what = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
            ? $"is not for host '{host}'"
            : "is not trusted by this system";
        return $"the server's certificate ({server.Subject}, SHA-256 {actual}) {what}; trust it with --ca FILE or --fingerprint {actual}";
    }
}
