using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Piazza.Server.Tls;

/// <summary>
/// The server certificate, read from a PEM certificate and key file and re-read when either file changes. Kestrel asks
/// for it on every TLS handshake (<c>ServerCertificateSelector</c>); the files are looked at no more often than the
/// check interval, so a renewed certificate is used by the next connection without a restart. A broken file pair
/// (for instance half written) keeps the previous certificate and is tried again at the next check.
/// </summary>
public sealed partial class CertificateSource : IDisposable
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _checkInterval;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key, long CertificateLength, long KeyLength) _stamp;
    private long _checkedAt;

    public CertificateSource(string certificatePath, string keyPath, TimeSpan checkInterval, ILogger logger)
    {
        _certificatePath = Path.GetFullPath(certificatePath);
        _keyPath = Path.GetFullPath(keyPath);
        _checkInterval = checkInterval;
        _logger = logger;
        _stamp = Stamp();
        _current = Load(_certificatePath, _keyPath);
        _checkedAt = Environment.TickCount64;
    }

    /// <summary>The certificate in use now.</summary>
    public X509Certificate2 Current
    {
        get
        {
            ReloadIfChanged();
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>SHA-256 of the certificate in use, as upper-case hex (what <c>piazza --fingerprint</c> takes).</summary>
    public string Fingerprint => Volatile.Read(ref _current).GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Reads a PEM certificate and key; the result carries its private key on every platform.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        // A PEM key is ephemeral; a PKCS#12 round trip gives a key SslStream can use on every OS.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private void ReloadIfChanged()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _checkedAt) < (long)_checkInterval.TotalMilliseconds)
        {
            return;
        }

        lock (_gate)
        {
            Volatile.Write(ref _checkedAt, now);
            var stamp = Stamp();
            if (stamp == _stamp)
            {
                return;
            }

            try
            {
                var fresh = Load(_certificatePath, _keyPath);
                _stamp = stamp;

                // The old certificate may still be in use by a handshake in progress; it is left to the GC.
                Volatile.Write(ref _current, fresh);
                Reloaded(_logger, _certificatePath, fresh.Subject, fresh.GetCertHashString(HashAlgorithmName.SHA256));
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
            {
                ReloadFailed(_logger, _certificatePath, ex.Message);
            }
        }
    }

    private (DateTime, DateTime, long, long) Stamp()
    {
        var certificate = new FileInfo(_certificatePath);
        var key = new FileInfo(_keyPath);
        return (certificate.Exists ? certificate.LastWriteTimeUtc : default, key.Exists ? key.LastWriteTimeUtc : default,
            certificate.Exists ? certificate.Length : -1, key.Exists ? key.Length : -1);
    }

    public void Dispose() => _current.Dispose();

    [LoggerMessage(40, LogLevel.Information, "Reloaded the TLS certificate from {Path}: {Subject}, SHA-256 {Fingerprint}")]
    private static partial void Reloaded(ILogger logger, string path, string subject, string fingerprint);

    [LoggerMessage(41, LogLevel.Warning, "The TLS certificate {Path} changed but cannot be loaded ({Problem}); still using the previous one")]
    private static partial void ReloadFailed(ILogger logger, string path, string problem);
}
