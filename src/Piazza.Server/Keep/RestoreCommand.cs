using System.CommandLine;
using System.CommandLine.Parsing;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Piazza.Server.Options;
using Piazza.Storage.Sqlite;

namespace Piazza.Server.Keep;

/// <summary>
/// <c>piazza-server restore --from FILE --data DIR</c>: a backup archive into an empty or missing data folder. Every
/// entry is written into a staging folder inside DIR and checked against the manifest (names, sizes, SHA-256, the
/// database's own check) before anything is moved into place; a failure removes what it wrote, so DIR is as it was.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create(CommandLineFlags flags)
    {
        KeepHost.ShareFlags(flags);
        var from = new Option<string>("--from") { Description = "the backup archive (from `piazza-server backup`)", Required = true };
        var command = new Command("restore", "restore a backup into an empty or missing data folder (--data DIR); see docs/backup.md") { from };
        command.SetAction((parse, ct) => KeepHost.GuardAsync(async () =>
        {
            if (parse.GetResult(flags["--data"]) is not OptionResult { Implicit: false })
            {
                throw new KeepException("restore needs --data DIR: the (empty or missing) folder to restore into");
            }

            var options = await KeepHost.OptionsAsync(flags, parse).ConfigureAwait(false);
            return await RestoreAsync(Path.GetFullPath(parse.GetRequiredValue(from)), Path.GetFullPath(options.Data), Path.GetFullPath(options.FilesFolder), ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <param name="filesFolder">Where the blobs go: <c>DATA/files</c>, or the server's <c>--files-dir</c> when given.</param>
    private static async Task<int> RestoreAsync(string archive, string data, string filesFolder, CancellationToken ct)
    {
        if (!File.Exists(archive))
        {
            throw new KeepException($"no backup archive at {archive}");
        }

        var existed = Directory.Exists(data);
        if (existed && Directory.EnumerateFileSystemEntries(data).Any())
        {
            throw new KeepException($"refusing to restore into {data}: it is not empty (restore only into an empty or missing folder)");
        }

        var filesElsewhere = filesFolder != Path.Combine(data, "files");
        var filesExisted = filesElsewhere && Directory.Exists(filesFolder);
        if (filesExisted && Directory.EnumerateFileSystemEntries(filesFolder).Any())
        {
            throw new KeepException($"refusing to restore into {filesFolder} (--files-dir): it is not empty (restore only into an empty or missing folder)");
        }

        DataFolder.CreateFolder(data);
        var staging = Path.Combine(data, $".restore-{Guid.NewGuid():N}");
        DataFolder.CreateFolder(staging);
        try
        {
            var manifest = await UnpackAsync(archive, staging, ct).ConfigureAwait(false);
            var database = Path.Combine(staging, BackupArchive.DatabaseEntry);
            if (manifest.Database == BackupArchive.SqliteDatabase)
            {
                CheckDatabase(database, manifest);
                File.Move(database, Path.Combine(data, DataFolder.DatabaseFile));
            }

            var files = Path.Combine(staging, "files");
            DataFolder.CreateFolder(Path.Combine(files, "blobs"));
            MoveFiles(files, filesFolder);
            Directory.Delete(staging, recursive: true);

            var blobs = manifest.Entries.Count(e => BackupArchive.BlobHashOf(e.Path) is not null);
            await System.Console.Out.WriteLineAsync(manifest.Database == BackupArchive.SqliteDatabase
                ? string.Create(CultureInfo.InvariantCulture, $"Restored the database (schema {manifest.SchemaVersion}, backed up {manifest.CreatedAt}) and {blobs} file blob(s) into {data}{(filesElsewhere ? $" and {filesFolder}" : "")}; start the server with --data {data}{(filesElsewhere ? $" --files-dir {filesFolder}" : "")}")
                : string.Create(CultureInfo.InvariantCulture, $"Restored {blobs} file blob(s) into {filesFolder}; the database is in PostgreSQL: restore it with pg_restore (docs/backup.md)")).ConfigureAwait(false);
            if (manifest.MissingBlobs.Count > 0)
            {
                await System.Console.Error.WriteLineAsync($"piazza-server: {manifest.MissingBlobs.Count} blob(s) were deleted while the backup ran; those files answer as missing").ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception ex)
        {
            // Nothing half-written is left: the staging folder goes, and DIR too when this command made it.
            TryDelete(() => Directory.Delete(staging, recursive: true));
            TryDelete(() => File.Delete(Path.Combine(data, DataFolder.DatabaseFile)));
            TryDelete(() => Directory.Delete(Path.Combine(data, "files"), recursive: true));
            if (filesElsewhere)
            {
                // Emptied again, and removed when this command made it.
                TryDelete(() => Directory.Delete(filesFolder, recursive: true));
                if (filesExisted)
                {
                    TryDelete(() => DataFolder.CreateFolder(filesFolder));
                }
            }
            if (!existed)
            {
                TryDelete(() => Directory.Delete(data));
            }

            if (ex is InvalidDataException or EndOfStreamException or JsonException or FormatException or NotSupportedException or SqliteException)
            {
                throw new KeepException($"{archive} is not a usable Piazza backup: {ex.Message}");
            }

            throw;
        }
    }

    /// <summary>
    /// Puts the verified files folder in place: a rename when <paramref name="target"/> is on the same file system, else
    /// a copy (an operator's <c>--files-dir</c> is often another mount). An empty target the operator made is replaced.
    /// </summary>
    private static void MoveFiles(string staged, string target)
    {
        if (Directory.Exists(target))
        {
            Directory.Delete(target);
        }

        DataFolder.CreateFolder(Path.GetDirectoryName(target)!);
        try
        {
            Directory.Move(staged, target);
        }
        catch (IOException)
        {
            foreach (var folder in Directory.EnumerateDirectories(staged, "*", SearchOption.AllDirectories).Prepend(staged))
            {
                DataFolder.CreateFolder(Path.Combine(target, Path.GetRelativePath(staged, folder)));
            }

            foreach (var file in Directory.EnumerateFiles(staged, "*", SearchOption.AllDirectories))
            {
                File.Copy(file, Path.Combine(target, Path.GetRelativePath(staged, file)));
            }
        }
    }

    /// <summary>Writes every entry into <paramref name="staging"/>, hashing it on the way, and checks the whole against the manifest.</summary>
    private static async Task<BackupManifest> UnpackAsync(string archive, string staging, CancellationToken ct)
    {
        var written = new Dictionary<string, BackupEntry>(StringComparer.Ordinal);
        BackupManifest? manifest = null;
        var file = File.OpenRead(archive);
        await using (file.ConfigureAwait(false))
        {
            var magic = new byte[2];
            var gzipped = await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            file.Position = 0;
            Stream content = gzipped ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            var tar = new TarReader(content, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                while (await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
                {
                    if (manifest is not null)
                    {
                        throw new InvalidDataException("an entry follows the manifest");
                    }

                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    {
                        throw new InvalidDataException($"unexpected entry '{entry.Name}' ({entry.EntryType})");
                    }

                    if (entry.Name == BackupArchive.ManifestEntry)
                    {
                        if (entry.Length > BackupArchive.MaxManifestBytes || entry.DataStream is null)
                        {
                            throw new InvalidDataException("the manifest is not one");
                        }

                        manifest = await JsonSerializer.DeserializeAsync(entry.DataStream, KeepJsonContext.Default.BackupManifest, ct).ConfigureAwait(false)
                            ?? throw new InvalidDataException("the manifest is empty");
                        continue;
                    }

                    var isBlob = BackupArchive.BlobHashOf(entry.Name) is not null;
                    if ((!isBlob && entry.Name != BackupArchive.DatabaseEntry) || written.ContainsKey(entry.Name))
                    {
                        throw new InvalidDataException($"unexpected entry '{entry.Name}'");
                    }

                    var path = Path.Combine(staging, entry.Name);
                    DataFolder.CreateFolder(Path.GetDirectoryName(path)!);
                    var output = DataFolder.CreateFile(path);
                    await using (output.ConfigureAwait(false))
                    {
                        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                        var buffer = new byte[81920];
                        long size = 0;
                        int read;
                        while (entry.DataStream is { } data && (read = await data.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                        {
                            hash.AppendData(buffer, 0, read);
                            await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                            size += read;
                        }

                        output.Flush(flushToDisk: true);
                        written[entry.Name] = new BackupEntry(entry.Name, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
                    }
                }
            }
        }

        return Verify(manifest ?? throw new InvalidDataException("it has no manifest (cut short?)"), written);
    }

    private static BackupManifest Verify(BackupManifest manifest, Dictionary<string, BackupEntry> written)
    {
        if (manifest.Format != BackupArchive.Format || manifest.Entries is null || manifest.MissingBlobs is null)
        {
            throw new InvalidDataException("the manifest is not a Piazza backup's");
        }

        if (manifest.FormatVersion != BackupArchive.FormatVersion)
        {
            throw new InvalidDataException($"format version {manifest.FormatVersion}; this Piazza reads version {BackupArchive.FormatVersion}");
        }

        if (manifest.Database == BackupArchive.SqliteDatabase)
        {
            if (manifest.SchemaVersion is not { } schema || schema > SqliteChatStore.SchemaVersion)
            {
                throw new InvalidDataException($"its database has schema version {manifest.SchemaVersion}, newer than this Piazza knows ({SqliteChatStore.SchemaVersion}): restore with a newer Piazza");
            }

            if (!written.ContainsKey(BackupArchive.DatabaseEntry))
            {
                throw new InvalidDataException("the database is missing");
            }
        }
        else if (manifest.Database != BackupArchive.PostgresDatabase)
        {
            throw new InvalidDataException($"unknown database kind '{manifest.Database}'");
        }

        if (manifest.Entries.Count != written.Count)
        {
            throw new InvalidDataException($"the manifest lists {manifest.Entries.Count} entries, the archive holds {written.Count}");
        }

        foreach (var listed in manifest.Entries)
        {
            if (!written.TryGetValue(listed.Path, out var found) || found != listed)
            {
                throw new InvalidDataException($"'{listed.Path}' does not match the manifest (size or SHA-256): the archive is damaged");
            }

            if (BackupArchive.BlobHashOf(listed.Path) is { } sha && sha != listed.Sha256)
            {
                throw new InvalidDataException($"the blob '{listed.Path}' does not have the content its name says");
            }
        }

        return manifest;
    }

    /// <summary>SQLite's own check of the restored file, and that it is the schema the manifest says.</summary>
    private static void CheckDatabase(string database, BackupManifest manifest)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        using (connection)
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            if (Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) is not "ok" and var problem)
            {
                throw new InvalidDataException($"the database fails SQLite's integrity check: {problem}");
            }

            command.CommandText = "PRAGMA user_version;";
            if (Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) != manifest.SchemaVersion)
            {
                throw new InvalidDataException("the database's schema version is not the manifest's");
            }
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the first failure is the one reported.
        }
    }
}
