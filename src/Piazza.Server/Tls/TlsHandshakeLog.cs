using Microsoft.Extensions.Logging;

namespace Piazza.Server.Tls;

/// <summary>Log lines about TLS: the certificate in use, and connections that never finished a handshake.</summary>
internal static partial class TlsHandshakeLog
{
    /// <summary>Set in a connection's Items once its handshake succeeded.</summary>
    public const string Completed = "piazza.tls.completed";

    [LoggerMessage(42, LogLevel.Information, "No TLS handshake from {RemoteEndPoint} ({Door}): not TLS, refused our certificate, or too slow; closed")]
    public static partial void Failed(ILogger logger, string remoteEndPoint, string door);

    [LoggerMessage(43, LogLevel.Information, "TLS certificate {Path}: {Subject}, SHA-256 fingerprint {Fingerprint}")]
    public static partial void CertificateLoaded(ILogger logger, string path, string subject, string fingerprint);

    [LoggerMessage(44, LogLevel.Warning, "Created a self-signed development certificate {Path}; clients trust it with --ca {Path} or --fingerprint")]
    public static partial void DevCertificateCreated(ILogger logger, string path);
}
