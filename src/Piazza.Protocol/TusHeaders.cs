using System.Globalization;
using System.Security.Cryptography;

namespace Piazza.Protocol;

/// <summary>
/// The header grammar of tus 1.0.0 (core, creation, termination, checksum, expiration) as pure functions shared by the server and clients,
/// unit-tested without a server. https://tus.io/protocols/resumable-upload
/// </summary>
public static class TusHeaders
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,termination,checksum,expiration";

    /// <summary>The algorithm Piazza's own clients name in <c>Upload-Checksum</c>.</summary>
    public const string ChecksumAlgorithm = "sha256";

    /// <summary>
    /// Every algorithm the server verifies (<c>Tus-Checksum-Algorithm</c>): sha1 because the checksum extension
    /// requires it of every server, sha256 and sha512 for clients that want a stronger one.
    /// </summary>
    public const string ChecksumAlgorithms = "sha1,sha256,sha512";
    public const string OffsetContentType = "application/offset+octet-stream";

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadLength = "Upload-Length";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadConcat = "Upload-Concat";
    public const string UploadExpires = "Upload-Expires";

    /// <summary>Piazza's own: the id of the stored file, on the answer that completes an upload.</summary>
    public const string FileId = "Piazza-File-Id";

    /// <summary>Longest metadata header accepted; names are cut to 200 characters anyway.</summary>
    public const int MaxMetadataLength = 8 * 1024;

    /// <summary>
    /// Parses <c>Upload-Length</c> and <c>Upload-Offset</c>: a non-negative decimal integer, nothing else (no sign,
    /// no spaces, no exponent).
    /// </summary>
    public static bool TryParseLength(string? value, out long length)
    {
        length = 0;
        if (string.IsNullOrEmpty(value) || value.Length > 19)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length);
    }

    /// <summary>
    /// Parses <c>Upload-Metadata</c>: comma-separated pairs of a key (ASCII, no spaces or commas, unique) and an
    /// optional base64 value, decoded as UTF-8. An empty header is an empty set.
    /// </summary>
    public static bool TryParseMetadata(string? header, out Dictionary<string, string> metadata, out string problem)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = "";
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        if (header.Length > MaxMetadataLength)
        {
            problem = $"Upload-Metadata is at most {MaxMetadataLength} characters";
            return false;
        }

        foreach (var rawPair in header.Split(','))
        {
            var pair = rawPair.Trim();
            var space = pair.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? pair : pair[..space];
            var encoded = space < 0 ? "" : pair[(space + 1)..];
            if (key.Length == 0 || !IsKey(key) || encoded.Contains(' ', StringComparison.Ordinal))
            {
                problem = "Upload-Metadata must be 'key base64value' pairs separated by commas";
                return false;
            }

            string value;
            try
            {
                value = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                problem = $"the Upload-Metadata value of '{key}' is not base64";
                return false;
            }
            catch (ArgumentException)
            {
                problem = $"the Upload-Metadata value of '{key}' is not UTF-8";
                return false;
            }

            if (!metadata.TryAdd(key, value))
            {
                problem = $"the Upload-Metadata key '{key}' appears twice";
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Parses <c>Upload-Checksum: &lt;algorithm&gt; &lt;base64 digest&gt;</c> for one of <see cref="ChecksumAlgorithms"/>
    /// (names in any case). False with <paramref name="unsupported"/> set when the algorithm is another one; false
    /// otherwise when the header is malformed (not two parts, not base64, not the algorithm's digest length).
    /// </summary>
    public static bool TryParseChecksum(string? header, out HashAlgorithmName algorithm, out byte[] digest, out bool unsupported)
    {
        algorithm = default;
        digest = [];
        unsupported = false;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var parts = header.Trim().Split(' ');
        if (parts.Length != 2)
        {
            return false;
        }

        (algorithm, var length) = parts[0].ToLowerInvariant() switch
        {
            "sha1" => (HashAlgorithmName.SHA1, 20),
            "sha256" => (HashAlgorithmName.SHA256, 32),
            "sha512" => (HashAlgorithmName.SHA512, 64),
            _ => (default(HashAlgorithmName), 0),
        };
        if (length == 0)
        {
            unsupported = true;
            return false;
        }

        try
        {
            digest = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            return false;
        }

        return digest.Length == length;
    }

    /// <summary>An <c>Upload-Expires</c> value: the RFC 9110 HTTP date (IMF-fixdate), e.g. <c>Wed, 25 Jun 2025 16:00:00 GMT</c>.</summary>
    public static string FormatExpires(DateTimeOffset at) => at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    /// <summary>Whether a value is a SHA-256 in hex (64 digits, either case).</summary>
    public static bool IsSha256Hex(string? value)
    {
        if (value is not { Length: 64 })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Builds an <c>Upload-Metadata</c> value (for clients and tests).</summary>
    public static string FormatMetadata(IEnumerable<KeyValuePair<string, string>> pairs)
        => string.Join(',', pairs.Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(p.Value))}"));

    private static bool IsKey(string key)
    {
        foreach (var c in key)
        {
            if (c is <= ' ' or > '~' or ',')
            {
                return false;
            }
        }

        return true;
    }
}
