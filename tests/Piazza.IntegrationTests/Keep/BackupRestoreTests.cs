using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Keep;

/// <summary>
/// <c>piazza-server backup</c> while a real server process takes writes, then <c>restore</c> into a new folder and a
/// new server there: the same history, the same files. And what restore refuses.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task A_backup_under_write_load_restores_into_a_new_server_that_serves_the_same_history()
    {
        var data = KeepCommand.TempFolder("piazza-live");
        var restored = KeepCommand.TempFolder("piazza-restored");
        var archive = Path.Combine(Path.GetTempPath(), $"piazza-backup-{Guid.NewGuid():N}.tar.gz");
        var content = TusTestClient.RandomBytes(300_000);
        string token;
        string fileId;
        List<(string Room, long Seq, string Msg)> ackedBeforeBackup;
        var (server, port) = await ServerProcess.StartListeningAsync(data);
        try
        {
            var (alice, welcome) = await RegisterAsync(port, "alice");
            await using var aliceClient = alice;
            token = welcome.Str("token")!;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
            fileId = await new TusTestClient(http, token).UploadAsync(content, "report.bin");
            AssertOk(await RequestAsync(alice, new { type = "send", room = "lobby", text = "the report", file = new { id = fileId }, id = "f" }, "f"));

            // A stored membership: after the restore alice reads dev's history as a member.
            await JoinRoomAsync(alice, "dev");

            // Three writers send without pause until the backup has finished, each recording what was acknowledged.
            var acked = new List<(string Room, long Seq, string Msg)>();
            using var stop = new CancellationTokenSource();
            var writers = new List<Task>();
            foreach (var (name, room) in new[] { ("bob", "lobby"), ("carol", "dev"), ("dave", "dev") })
            {
                var (client, _) = await RegisterAsync(port, name);
                if (room != "lobby")
                {
                    await JoinRoomAsync(client, room);
                }

                writers.Add(Task.Run(async () =>
                {
                    await using (client)
                    {
                        for (var i = 0; !stop.IsCancellationRequested; i++)
                        {
                            var ok = await SendOkAsync(client, room, $"{name} {i}", $"{name}-{i}");
                            lock (acked)
                            {
                                acked.Add((room, ok["seq"]!.GetValue<long>(), ok.Str("msg")!));
                            }
                        }
                    }
                }));
            }

            await WaitUntilAsync(() => { lock (acked) { return acked.Count >= 200; } });
            lock (acked)
            {
                ackedBeforeBackup = [.. acked];
            }

            var (code, output, errors) = await KeepCommand.RunAsync("backup", "--to", archive, "--data", data);
            Assert.True(code == 0, output + errors);
            Assert.Contains("Backed up the database", output, StringComparison.Ordinal);
            int ackedDuring;
            lock (acked)
            {
                ackedDuring = acked.Count - ackedBeforeBackup.Count;
            }

            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

            // The load really ran while the backup did.
            Assert.True(ackedDuring > 0, "no message was acknowledged while the backup ran");
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }

        try
        {
            Assert.False(File.Exists(archive + ".tmp"));
            Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(archive)!, $".{Path.GetFileName(archive)}.*"));
            var (code, output, errors) = await KeepCommand.RunAsync("restore", "--from", archive, "--data", restored);
            Assert.True(code == 0, output + errors);

            // Owner-only, as the data folder the server makes.
            var blob = Directory.EnumerateFiles(Path.Combine(restored, "files", "blobs"), "*", SearchOption.AllDirectories).Single();
            Assert.Equal(TusTestClient.Sha256Hex(content), Path.GetFileName(blob));
            Assert.Equal(Piazza.Server.DataFolder.OwnerOnlyFolder, File.GetUnixFileMode(restored));
            Assert.Equal(Piazza.Server.DataFolder.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(restored, "piazza.db")));
            Assert.Equal(Piazza.Server.DataFolder.OwnerOnlyFile, File.GetUnixFileMode(blob));
            Assert.Equal(["files", "piazza.db"], Directory.EnumerateFileSystemEntries(restored).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(restored, "piazza.db")};Pooling=False"))
            {
                connection.Open();
                using var check = connection.CreateCommand();
                check.CommandText = "PRAGMA integrity_check;";
                Assert.Equal("ok", check.ExecuteScalar());
            }

            await RestoreWithFilesDirAsync(archive, TusTestClient.Sha256Hex(content));
            var (again, newPort) = await ServerProcess.StartListeningAsync(restored);
            try
            {
                var (alice, welcome) = await TokenLoginAsync(newPort, token);
                await using var _ = alice;
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{welcome["httpPort"]!.GetValue<int>()}/") };
                foreach (var room in new[] { "lobby", "dev" })
                {
                    var history = await KeepCommand.RestHistoryAsync(http, token, room);
                    var seqs = history.Select(m => m["seq"]!.GetValue<long>()).ToList();
                    Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
                    var stored = history.ToDictionary(m => m["seq"]!.GetValue<long>(), m => m.Str("id"));
                    foreach (var (_, seq, msg) in ackedBeforeBackup.Where(a => a.Room == room))
                    {
                        Assert.True(stored.TryGetValue(seq, out var id) && id == msg, $"{room} #{seq} acknowledged before the backup is missing");
                    }
                }

                var download = await new TusTestClient(http, token).DownloadAsync(fileId);
                Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
            }
            finally
            {
                again.Kill();
                await again.WaitForExitAsync();
                again.Dispose();
            }
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
            KeepCommand.DeleteFolder(restored);
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task Restore_refuses_a_folder_that_is_not_empty_and_leaves_it_as_it_was()
    {
        var target = Directory.CreateTempSubdirectory("piazza-full-").FullName;
        var archive = await SmallArchiveAsync();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(target, "notes.txt"), "mine");
            var (code, output, errors) = await KeepCommand.RunAsync("restore", "--from", archive, "--data", target);
            Assert.Equal(2, code);
            Assert.Equal($"piazza-server: refusing to restore into {target}: it is not empty (restore only into an empty or missing folder)", errors.Trim());
            Assert.Equal("", output);
            Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));

            // Without --data there is no folder to restore into.
            var (noData, _, noDataErrors) = await KeepCommand.RunAsync("restore", "--from", archive);
            Assert.Equal(2, noData);
            Assert.Contains("restore needs --data DIR", noDataErrors, StringComparison.Ordinal);
        }
        finally
        {
            KeepCommand.DeleteFolder(target);
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task A_damaged_archive_is_refused_with_exit_code_2_and_nothing_is_left_behind()
    {
        var archive = await SmallArchiveAsync();
        var bytes = await File.ReadAllBytesAsync(archive);
        var damaged = new Dictionary<string, byte[]>
        {
            ["cut short"] = bytes[..(bytes.Length / 2)],
            ["a flipped byte"] = Flipped(bytes, bytes.Length / 2),
            ["not an archive"] = "hello, this is not a backup"u8.ToArray(),
            ["a path of its own"] = Repacked(bytes, ("../escaped.txt", "boo"u8.ToArray())),
            ["an entry the manifest does not list"] = Repacked(bytes, ("files/blobs/aa/" + new string('a', 64), "boo"u8.ToArray())),
        };
        try
        {
            foreach (var (what, content) in damaged)
            {
                var bad = archive + ".bad";
                await File.WriteAllBytesAsync(bad, content);
                var missing = KeepCommand.TempFolder("piazza-restore");
                var empty = Directory.CreateTempSubdirectory("piazza-empty-").FullName;
                try
                {
                    var (code, output, errors) = await KeepCommand.RunAsync("restore", "--from", bad, "--data", missing);
                    Assert.True(code == 2, $"{what}: {code} {output} {errors}");
                    Assert.StartsWith("piazza-server: ", errors, StringComparison.Ordinal);
                    Assert.Single(errors.Trim().Split('\n'));
                    Assert.False(Directory.Exists(missing), what);

                    // An empty folder given by the operator stays, empty.
                    (code, _, errors) = await KeepCommand.RunAsync("restore", "--from", bad, "--data", empty);
                    Assert.True(code == 2, $"{what}: {errors}");
                    Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
                    Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(empty)!, "escaped.txt")));
                }
                finally
                {
                    KeepCommand.DeleteFolder(missing);
                    KeepCommand.DeleteFolder(empty);
                    File.Delete(bad);
                }
            }
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task Backup_of_a_folder_without_a_database_says_so_and_writes_nothing()
    {
        var missing = KeepCommand.TempFolder("piazza-none");
        var archive = Path.Combine(Path.GetTempPath(), $"piazza-none-{Guid.NewGuid():N}.tar.gz");
        var (code, output, errors) = await KeepCommand.RunAsync("backup", "--to", archive, "--data", missing);
        Assert.Equal(2, code);
        Assert.Equal($"piazza-server: no Piazza database in {missing} (nothing to back up); pass --data FOLDER", errors.Trim());
        Assert.Equal("", output);
        Assert.False(File.Exists(archive));
        Assert.False(Directory.Exists(missing));
    }

    /// <summary>
    /// With <c>--files-dir</c> (as the server was run), the blobs go there and the data folder holds the database
    /// alone; a files folder that is not empty is refused as a data folder is.
    /// </summary>
    private static async Task RestoreWithFilesDirAsync(string archive, string blobHash)
    {
        var data = KeepCommand.TempFolder("piazza-restored-data");
        var files = KeepCommand.TempFolder("piazza-restored-files");
        try
        {
            var (code, output, errors) = await KeepCommand.RunAsync("restore", "--from", archive, "--data", data, "--files-dir", files);
            Assert.True(code == 0, output + errors);
            Assert.Contains($"--files-dir {files}", output, StringComparison.Ordinal);
            Assert.Equal(["piazza.db"], Directory.EnumerateFileSystemEntries(data).Select(Path.GetFileName));
            var blob = Directory.EnumerateFiles(Path.Combine(files, "blobs"), "*", SearchOption.AllDirectories).Single();
            Assert.Equal(blobHash, Path.GetFileName(blob));
            Assert.Equal(Piazza.Server.DataFolder.OwnerOnlyFile, File.GetUnixFileMode(blob));

            KeepCommand.DeleteFolder(data);
            (code, _, errors) = await KeepCommand.RunAsync("restore", "--from", archive, "--data", data, "--files-dir", files);
            Assert.Equal(2, code);
            Assert.Contains($"refusing to restore into {files} (--files-dir): it is not empty", errors, StringComparison.Ordinal);
            Assert.False(Directory.Exists(data));
            Assert.Equal(blob, Directory.EnumerateFiles(Path.Combine(files, "blobs"), "*", SearchOption.AllDirectories).Single());
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
            KeepCommand.DeleteFolder(files);
        }
    }

    /// <summary>A real backup of a small data folder (one account, made by <c>admin create</c>; no server needed).</summary>
    private static async Task<string> SmallArchiveAsync()
    {
        var data = KeepCommand.TempFolder("piazza-small");
        var archive = Path.Combine(Path.GetTempPath(), $"piazza-small-{Guid.NewGuid():N}.tar.gz");
        try
        {
            var (created, createOutput, createErrors) = await KeepCommand.RunAsync("admin", "create", "boss", "--password", Password, "--create", "--data", data);
            Assert.True(created == 0, createOutput + createErrors);
            var (code, output, errors) = await KeepCommand.RunAsync("backup", "--to", archive, "--data", data);
            Assert.True(code == 0, output + errors);
            return archive;
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
        }
    }

    private static byte[] Flipped(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x5a;
        return copy;
    }

    /// <summary>The archive's entries with one more before the manifest (as a tampered or foreign archive would have).</summary>
    private static byte[] Repacked(byte[] archive, (string Name, byte[] Content) extra)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            using var reader = new TarReader(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress));
            var entries = new List<PaxTarEntry>();
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                entries.Add(new PaxTarEntry(entry.EntryType, entry.Name) { DataStream = entry.DataStream });
            }

            foreach (var entry in entries[..^1])
            {
                writer.WriteEntry(entry);
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, extra.Name) { DataStream = new MemoryStream(extra.Content) });
            writer.WriteEntry(entries[^1]);
        }

        return output.ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "timed out");
            await Task.Delay(20);
        }
    }
}
