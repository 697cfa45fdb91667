using System.CommandLine;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Piazza.Protocol;
using Piazza.Server.Doors.Files;
using Piazza.Server.Options;

namespace Piazza.Server.Keep;

/// <summary>
/// <c>piazza-server backup --to FILE</c>: one archive (<see cref="BackupArchive"/>) of a data folder, taken while a
/// server runs on it. The database is copied with SQLite's online backup API (one read transaction: a consistent
/// snapshot, writers go on); then the blobs that snapshot's files name are added, so every file it knows comes with its
/// bytes (blobs stored later belong to a later backup). With PostgreSQL the database is pg_dump's, and the archive
/// holds the files folder's blobs.
/// </summary>
internal static class BackupCommand
{
    public static Command Create(CommandLineFlags flags)
    {
        KeepHost.ShareFlags(flags);
        var to = new Option<string>("--to") { Description = "the archive to write (a .tar.gz; written whole or not at all)", Required = true };
        var command = new Command("backup", "back up the data folder (database and files) while the server runs; see docs/backup.md") { to };
        command.SetAction((parse, ct) => KeepHost.GuardAsync(async () =>
        {
            var options = await KeepHost.OptionsAsync(flags, parse).ConfigureAwait(false);
            var target = Path.GetFullPath(parse.GetRequiredValue(to));
            if (options.Cluster.Postgres is not null)
            {
                await System.Console.Out.WriteLineAsync("The database is in PostgreSQL: back it up with pg_dump (docs/backup.md), e.g.\n"
                    + "  pg_dump --format=custom --file=piazza.pgdump \"host=… dbname=… user=…\"\n"
                    + $"This archive holds the files folder's blobs ({Path.GetFullPath(options.FilesFolder)}); run pg_dump first, then this.").ConfigureAwait(false);
                var blobs = new BlobStore(options.FilesFolder);
                return await WriteAsync(target, null, blobs, blobs.BlobHashes().Where(h => !h.Any(char.IsAsciiLetterUpper)).ToList(), ct).ConfigureAwait(false);
            }

            if (!DataFolder.HoldsDatabase(options.Data))
            {
                throw new KeepException($"no Piazza database in {Path.GetFullPath(options.Data)} (nothing to back up); pass --data FOLDER");
            }

            var snapshot = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.db");
            try
            {
                if (!Directory.Exists(Path.GetDirectoryName(target)))
                {
                    throw new KeepException($"cannot write {target}: the folder {Path.GetDirectoryName(target)} does not exist");
                }

                var (schema, referenced) = TakeSnapshot(Path.Combine(options.Data, DataFolder.DatabaseFile), snapshot);
                return await WriteAsync(target, (snapshot, schema), new BlobStore(options.FilesFolder), referenced, ct).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(snapshot);
            }
        }));
        return command;
    }

    /// <summary>
    /// Copies the live database into <paramref name="snapshot"/> (owner-only) with the online backup API, makes the copy
    /// one self-contained file (no WAL), checks it, and answers its schema version and the blob hashes its files name.
    /// </summary>
    private static (int Schema, List<string> Blobs) TakeSnapshot(string database, string snapshot)
    {
        using (DataFolder.CreateFile(snapshot))
        {
            // Created owner-only and empty here; SQLite writes into it below and keeps its mode.
        }

        var source = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();
        var copy = new SqliteConnectionStringBuilder { DataSource = snapshot, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        using var from = new SqliteConnection(source);
        using var into = new SqliteConnection(copy);
        from.Open();
        into.Open();

        // One step of all pages: one read transaction on the source, so the copy is the database at one instant, and
        // in WAL mode the server's writers do not wait for it.
        from.BackupDatabase(into);
        Execute(into, "PRAGMA journal_mode=DELETE;");
        var check = Scalar(into, "PRAGMA quick_check;");
        if (!string.Equals(check, "ok", StringComparison.Ordinal))
        {
            throw new KeepException($"the database snapshot failed SQLite's check ({check}); the live database may be damaged: nothing written");
        }

        var schema = int.Parse(Scalar(into, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        var blobs = new List<string>();
        using (var command = into.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT sha256 FROM files ORDER BY sha256;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                blobs.Add(reader.GetString(0));
            }
        }

        return (schema, blobs);
    }

    /// <summary>Writes the archive: the snapshot (when there is one), each blob present, then the manifest.</summary>
    private static async Task<int> WriteAsync(string target, (string Path, int Schema)? snapshot, BlobStore blobs, List<string> hashes, CancellationToken ct)
    {
        var entries = new List<BackupEntry>();
        var missing = new List<string>();
        await KeepHost.WriteAtomicallyAsync(target, async file =>
        {
            var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                await using (tar.ConfigureAwait(false))
                {
                    if (snapshot is { } database)
                    {
                        var content = File.OpenRead(database.Path);
                        await using (content.ConfigureAwait(false))
                        {
                            entries.Add(await BackupArchive.WriteEntryAsync(tar, BackupArchive.DatabaseEntry, content, ct).ConfigureAwait(false));
                        }
                    }

                    foreach (var sha in hashes)
                    {
                        // Open once: a blob removed after this (its file deleted since the snapshot) is still read whole.
                        var content = TusHeaders.IsSha256Hex(sha) && !sha.Any(char.IsAsciiLetterUpper) ? blobs.OpenBlob(sha) : null;
                        if (content is null)
                        {
                            missing.Add(sha);
                            continue;
                        }

                        await using (content.ConfigureAwait(false))
                        {
                            entries.Add(await BackupArchive.WriteEntryAsync(tar, BackupArchive.BlobEntry(sha), content, ct).ConfigureAwait(false));
                        }
                    }

                    var manifest = new BackupManifest(
                        BackupArchive.Format,
                        BackupArchive.FormatVersion,
                        snapshot is null ? BackupArchive.PostgresDatabase : BackupArchive.SqliteDatabase,
                        snapshot?.Schema,
                        WireTimestamp.Format(DateTimeOffset.UtcNow),
                        ServerInfo.Version,
                        entries,
                        missing);
                    var bytes = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, KeepJsonContext.Default.BackupManifest));
                    await BackupArchive.WriteEntryAsync(tar, BackupArchive.ManifestEntry, bytes, ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);

        var size = new FileInfo(target).Length;
        var blobCount = entries.Count(e => e.Path.StartsWith(BackupArchive.BlobPrefix, StringComparison.Ordinal));
        await System.Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backed up {(snapshot is null ? "" : "the database (schema " + snapshot.Value.Schema + ") and ")}{blobCount} file blob(s) to {target} ({size} bytes)")).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            // A file deleted between the snapshot and the copy: the restored server answers it as missing, like a deleted file.
            await System.Console.Error.WriteLineAsync($"piazza-server: {missing.Count} blob(s) named by the snapshot were gone when copied (files deleted meanwhile); listed in the manifest as missingBlobs").ConfigureAwait(false);
        }

        return 0;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }
}
