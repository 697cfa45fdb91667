using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Piazza.Tests.Shared;

/// <summary>
/// A real PostgreSQL server for tests: initdb runs once per test run (as the <c>postgres</c> user when the tests run
/// as root, since initdb refuses root) into a temp folder; each server is a copy of that cluster, started with
/// pg_ctl on a free loopback port (TCP on 127.0.0.1 only, no Unix socket, fsync on). <see cref="SharedAsync"/> is the
/// one server of the run that store tests share (a fresh database each); fault tests start their own with
/// <see cref="StartNewAsync"/> and stop, kill and restart it at will.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private const string User = "postgres";
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static readonly Lazy<Task<PostgresProcess>> Shared = new(StartSharedAsync);
    private static string? _template;
    private static string? _runFolder;

    private readonly string _folder;
    private readonly string _data;
    private bool _disposed;

    private PostgresProcess(string folder, int port)
    {
        _folder = folder;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The server's log file (pg_ctl -l), for failure messages.</summary>
    public string LogPath => Path.Combine(_folder, "postgres.log");

    /// <summary>The server of this test run, started on first use and stopped when the test process exits.</summary>
    public static Task<PostgresProcess> SharedAsync() => Shared.Value;

    /// <summary>A server of the caller's own (for fault tests): dispose it to stop it and delete its folder.</summary>
    public static async Task<PostgresProcess> StartNewAsync()
    {
        var template = await TemplateAsync();
        for (var attempt = 1; ; attempt++)
        {
            var folder = Path.Combine(_runFolder!, "server-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(folder);
            await RunAsync("cp", ["-a", template, Path.Combine(folder, "data")], asPostgres: false);
            await ChownAsync(folder);
            var server = new PostgresProcess(folder, FreePort());
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely another process took the free port between the probe and the start: try another.
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server (trust authentication).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Database = database, Timeout = 5, Pooling = true }.ConnectionString;

    /// <summary>Creates an empty UTF-8 database (dropping one of that name first) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await AdminAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE);");
        await AdminAsync($"CREATE DATABASE {Quote(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';");
        return ConnectionString(name);
    }

    /// <summary>Drops a database, closing its connections.</summary>
    public Task DropDatabaseAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE);");

    /// <summary>Runs one statement as the superuser on the <c>postgres</c> database.</summary>
    public async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Starts the server (again) on its port and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var options = string.Join(
            ' ',
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c fsync=on",
            "-c max_connections=300",
            "-c shared_buffers=32MB");
        var (exit, output) = await RunAsync(Binary("pg_ctl"), ["-D", _data, "-l", LogPath, "-w", "-t", "60", "-o", options, "start"], asPostgres: true);
        if (exit != 0)
        {
            throw new InvalidOperationException($"pg_ctl start failed ({exit}): {output}\n{ReadLog()}");
        }
    }

    /// <summary>Stops the server (fast shutdown: sessions are ended, a checkpoint is written) and waits.</summary>
    public async Task StopAsync()
    {
        var (exit, output) = await RunAsync(Binary("pg_ctl"), ["-D", _data, "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true);
        if (exit != 0 && !output.Contains("Is server running?", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pg_ctl stop failed ({exit}): {output}");
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>SIGKILLs the postmaster and every backend, as a crash would; <see cref="StartAsync"/> then recovers.</summary>
    public void Kill()
    {
        var pidFile = Path.Combine(_data, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var postmaster))
        {
            return;
        }

        var family = new List<int> { postmaster };
        family.AddRange(ChildrenOf(postmaster));
        foreach (var pid in family)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        foreach (var pid in family)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await RunAsync(Binary("pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"], asPostgres: true);
        DeleteFolder(_folder);
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(20)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static async Task<PostgresProcess> StartSharedAsync()
    {
        var server = await StartNewAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // The test host may be ended soon after this starts: stop the server first, then leave the deleting to
            // an rm of its own (a folder still left is swept by the next run).
            RunAsync(Binary("pg_ctl"), ["-D", server._data, "-m", "immediate", "-w", "stop"], asPostgres: true).GetAwaiter().GetResult();
            Process.Start("rm", ["-rf", _runFolder!])?.Dispose();
        };
        return server;
    }

    /// <summary>The initdb'd cluster every server copies; made once per test run.</summary>
    private static async Task<string> TemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }

            var initdb = Binary("initdb");
            RemoveLeftovers();
            var runFolder = Path.Combine(Path.GetTempPath(), $"piazza-pg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(runFolder);
            await ChownAsync(runFolder);
            var template = Path.Combine(runFolder, "template");
            var (exit, output) = await RunAsync(initdb, ["-D", template, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], asPostgres: true);
            if (exit != 0)
            {
                throw new InvalidOperationException($"initdb failed ({exit}): {output}");
            }

            _runFolder = runFolder;
            _template = template;
            return template;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    /// <summary>Servers and folders of earlier test runs whose process died without cleaning up (a killed test host).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "piazza-pg-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
            {
                continue;
            }

            foreach (var data in Directory.EnumerateDirectories(folder, "data", SearchOption.AllDirectories))
            {
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                {
                    new PostgresProcess(Path.GetDirectoryName(data)!, 0).Kill();
                }
            }

            DeleteFolder(folder);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder left behind is removed by the next run's leftover sweep.
        }
    }

    /// <summary>The newest installed PostgreSQL's program, or a failure that says which package to install.</summary>
    private static string Binary(string name)
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0, Path: Path.Combine(d, "bin", name)))
                .Where(x => File.Exists(x.Path))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Path)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"PostgreSQL's {name} was not found under {root}/*/bin: install the Debian package 'postgresql' (apt-get install postgresql).");
    }

    private static int ParentOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            if (ParentOf(stat) == parent)
            {
                yield return pid;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool IsRoot => Environment.IsPrivilegedProcess;

    private static async Task ChownAsync(string folder)
    {
        if (IsRoot)
        {
            var (exit, output) = await RunAsync("chown", ["-R", $"{User}:{User}", folder], asPostgres: false);
            if (exit != 0)
            {
                throw new InvalidOperationException($"chown {folder} failed: {output} (does the user '{User}' exist? it comes with the Debian package 'postgresql')");
            }
        }
    }

    /// <summary>Runs a program to its end (as the postgres user when we are root and <paramref name="asPostgres"/>).</summary>
    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres && IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // The postgres user may not be allowed into the test's folder.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && IsRoot)
        {
            foreach (var arg in (string[])["-u", User, "--", program])
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
