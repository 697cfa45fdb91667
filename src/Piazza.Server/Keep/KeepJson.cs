using System.Text.Json.Serialization;

namespace Piazza.Server.Keep;

/// <summary>
/// The manifest a backup archive ends with (docs/backup.md): what made it, the database schema it holds, and each
/// entry's size and SHA-256, so a restore checks every byte before it writes anything into place.
/// </summary>
public sealed record BackupManifest(
    string Format,
    int FormatVersion,
    string Database,
    int? SchemaVersion,
    string CreatedAt,
    string ServerVersion,
    IReadOnlyList<BackupEntry> Entries,
    IReadOnlyList<string> MissingBlobs);

/// <summary>One file of a backup archive: its path in the archive, size and SHA-256 (lower-case hex).</summary>
public sealed record BackupEntry(string Path, long Size, string Sha256);

/// <summary>An account as a user export shows it: never its password hash or tokens.</summary>
public sealed record ExportedAccount(string Name, string Key, string CreatedAt, bool Bot);

/// <summary>A file the account uploaded (its bytes are not in the export; a backup has them).</summary>
public sealed record ExportedFile(string Id, string Name, long Size, string Mime, string Sha256, string CreatedAt);

/// <summary>An upload the account began and did not finish.</summary>
public sealed record ExportedUpload(string Id, string Name, long Length, string CreatedAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(ExportedAccount))]
[JsonSerializable(typeof(ExportedFile))]
[JsonSerializable(typeof(ExportedUpload))]
internal sealed partial class KeepJsonContext : JsonSerializerContext;
