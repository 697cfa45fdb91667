using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server;
using Piazza.Server.Tls;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// A data folder the server created was world-readable (0755, piazza.db 0644) while it holds password hashes and private
/// messages. Everything the server creates there is now owner-only (folders 0700, files 0600: the database and its
/// -wal/-shm, blobs, partial uploads, the development key), and an existing folder open to others is warned about.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionTests : IDisposable
{
    private const UnixFileMode Folder700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "piazza-modes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_data_folder_the_server_creates_was_readable_by_every_user()
    {
        var data = Path.Combine(_root, "data");
        var log = new CapturedLog();
        var server = await TestServer.StartLoggingInAsync(data, log, new TestServerOptions { DevTls = true });
        await using (server)
        {
            // Give every kind of file a reason to exist: an account, a stored file, an unfinished upload.
            using var http = server.CreateHttpClient();
            var alice = await TusTestClient.RegisterAsync(http, "alice");
            await alice.UploadAsync(TusTestClient.RandomBytes(1000), "kept.bin");
            var unfinished = await alice.CreateAsync(500, "half.bin", TusTestClient.Sha256Hex(new byte[500]));
            Assert.Equal(HttpStatusCode.Created, unfinished.StatusCode);

            var folders = new[] { data, Path.Combine(data, "files"), Path.Combine(data, "files", "partial"), Path.Combine(data, "files", "blobs") }
                .Concat(Directory.EnumerateDirectories(Path.Combine(data, "files", "blobs")));
            foreach (var folder in folders)
            {
                Assert.True(Folder700 == File.GetUnixFileMode(folder), $"{folder} is {File.GetUnixFileMode(folder)}");
            }

            var files = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).ToList();
            foreach (var name in new[] { "piazza.db", "piazza.db-wal", "piazza.db-shm", DevCertificate.KeyFile, DevCertificate.CertificateFile })
            {
                Assert.Contains(Path.Combine(data, name), files);
            }

            Assert.Contains(files, f => f.Contains(Path.Combine("files", "blobs"), StringComparison.Ordinal));
            Assert.Contains(files, f => f.Contains(Path.Combine("files", "partial"), StringComparison.Ordinal));
            foreach (var file in files)
            {
                Assert.True(File600 == File.GetUnixFileMode(file), $"{file} is {File.GetUnixFileMode(file)}");
            }

            await server.StopKeepingDataAsync();
        }

        Assert.DoesNotContain(log.Lines, l => l.Contains("open to other users", StringComparison.Ordinal));

        // The folder as the server left it starts again without a warning.
        var again = new CapturedLog();
        await using (var restarted = await TestServer.StartLoggingInAsync(data, again, new TestServerOptions()))
        {
            await using var alice = await restarted.LoginAsync("alice"); // the database was kept and is readable
            await restarted.StopKeepingDataAsync();
        }

        Assert.DoesNotContain(again.Lines, l => l.Contains("open to other users", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_existing_folder_readable_by_others_is_warned_about_at_start()
    {
        var data = Path.Combine(_root, "shared");
        Directory.CreateDirectory(data, Folder700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var log = new CapturedLog();
        await using (var server = await TestServer.StartLoggingInAsync(data, log, new TestServerOptions()))
        {
            var warning = Assert.Single(log.Lines, l => l.Contains("open to other users", StringComparison.Ordinal));
            Assert.Contains(Path.GetFullPath(data), warning, StringComparison.Ordinal);
            Assert.Contains("mode 0755", warning, StringComparison.Ordinal);

            // Left as the operator set it, but what the server creates inside is still owner-only.
            Assert.Equal(File600, File.GetUnixFileMode(Path.Combine(data, "piazza.db")));
            await server.StopKeepingDataAsync();
        }

        // A private folder whose database is readable by others is just as exposed.
        File.SetUnixFileMode(data, Folder700);
        File.SetUnixFileMode(Path.Combine(data, "piazza.db"), File600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var second = new CapturedLog();
        await using (var server = await TestServer.StartLoggingInAsync(data, second, new TestServerOptions()))
        {
            var warning = Assert.Single(second.Lines, l => l.Contains("open to other users", StringComparison.Ordinal));
            Assert.Contains("mode 0700, piazza.db 0644", warning, StringComparison.Ordinal);
        }
    }
}
