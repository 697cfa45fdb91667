using System.Formats.Tar;
using System.Security.Cryptography;
using Piazza.Protocol;

namespace Piazza.Server.Keep;

/// <summary>
/// The backup archive's layout (docs/backup.md): a gzip-compressed tar holding <c>piazza.db</c> (a SQLite snapshot),
/// <c>files/blobs/&lt;ab&gt;/&lt;sha256&gt;</c> (the files folder's blobs, named by their content) and, last,
/// <c>manifest.json</c>. Nothing else is ever written or accepted, so no archive entry can name a path of its choosing.
/// </summary>
internal static class BackupArchive
{
    public const string Format = "piazza-backup";

    public const int FormatVersion = 1;

    public const string ManifestEntry = "manifest.json";

    public const string DatabaseEntry = DataFolder.DatabaseFile;

    public const string BlobPrefix = "files/blobs/";

    public const string SqliteDatabase = "sqlite";

    public const string PostgresDatabase = "postgresql";

    /// <summary>A manifest is a few hundred bytes per blob; more than this is not one of ours.</summary>
    public const long MaxManifestBytes = 256L * 1024 * 1024;

    public static string BlobEntry(string sha256) => $"{BlobPrefix}{sha256[..2]}/{sha256}";

    /// <summary>The blob's hash when <paramref name="entry"/> is a well-formed blob entry name; else null.</summary>
    public static string? BlobHashOf(string entry)
    {
        if (!entry.StartsWith(BlobPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = entry[BlobPrefix.Length..];
        return rest.Length == 2 + 1 + 64 && rest[2] == '/' && rest[3..] is var sha && TusHeaders.IsSha256Hex(sha)
            && !sha.Any(char.IsAsciiLetterUpper) && string.CompareOrdinal(rest, 0, sha, 0, 2) == 0 ? sha : null;
    }

    /// <summary>Writes one regular file entry from a seekable stream, owner-only, and answers its size and SHA-256.</summary>
    public static async Task<BackupEntry> WriteEntryAsync(TarWriter tar, string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(content);

        // Hashed through the same handle that is then archived: what the manifest says is what the archive holds.
        var hash = await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = content,
            Mode = DataFolder.OwnerOnlyFile,
        };
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        return new BackupEntry(name, content.Length, Convert.ToHexStringLower(hash));
    }
}
