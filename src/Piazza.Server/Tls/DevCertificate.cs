using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Piazza.Server.Tls;

/// <summary>
/// <c>--dev-tls</c>: a self-signed certificate for localhost, made once in the data folder (dev-cert.pem,
/// dev-key.pem) and reused afterwards, so clients can pin its fingerprint or trust it with <c>--ca</c>.
/// </summary>
public static class DevCertificate
{
    public const string CertificateFile = "dev-cert.pem";

    public const string KeyFile = "dev-key.pem";

    /// <summary>Creates the files unless they exist; returns their paths and whether they were created now.</summary>
    public static (string Certificate, string Key, bool Created) Ensure(string dataFolder)
    {
        var certificatePath = Path.Combine(dataFolder, CertificateFile);
        var keyPath = Path.Combine(dataFolder, KeyFile);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return (certificatePath, keyPath, false);
        }

        DataFolder.CreateFolder(dataFolder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Piazza development certificate", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName(Environment.MachineName.ToLowerInvariant());
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        // Key first, owner-only from its creation (never briefly readable); the certificate's presence marks completion.
        WriteOwnerOnly(keyPath, key.ExportPkcs8PrivateKeyPem());
        WriteOwnerOnly(certificatePath, certificate.ExportCertificatePem());
        return (certificatePath, keyPath, true);
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        using var file = DataFolder.CreateFile(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes(text));
    }
}
