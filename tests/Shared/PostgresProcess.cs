using System.Diagnostics;
using System.Globalization;

namespace Piazza.Tests.Shared;

/// <summary>
/// A real PostgreSQL 15 cluster made for the tests: initdb into a temp folder (as the postgres user when the tests run
/// as root: initdb refuses root), pg_ctl start on a free loopback port with its socket in that folder, trust
/// authentication for the postgres user over 127.0.0.1. <see cref="CreateDatabaseAsync"/> gives each fixture a fresh
/// database; <see cref="RestartAsync"/> stops (fast: sessions are cut) and starts it on the same port.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
    private static int _databases;
    private readonly string _folder;

    private PostgresProcess(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public bool IsRunning { get; private set; }

    private string DataFolder => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "pg.log");

    /// <summary>initdb and start; fails with the apt package to install when PostgreSQL 15 is missing.</summary>
    public static async Task<PostgresProcess> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"{BinDirectory}/initdb is missing: install the Debian package postgresql-15 (apt-get install -y postgresql-15)");
        }

        var folder = Directory.CreateTempSubdirectory("piazza-pg-").FullName;
        var postgres = new PostgresProcess(folder, FreePort.Next());
        try
        {
            if (RunningAsRoot)
            {
                await RunAsync("chown", "postgres:postgres", folder).ConfigureAwait(false);
            }

            await postgres.AsOwnerAsync("initdb", "-D", postgres.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8").ConfigureAwait(false);
            await postgres.StartServerAsync().ConfigureAwait(false);
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> (what <c>--postgres</c> takes).</summary>
    public string ConnectionString(string database)
        => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}");

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "piazza")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
        await RunAsync(Path.Combine(BinDirectory, "psql"), "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c", $"CREATE DATABASE \"{name}\"").ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Runs one SQL command in <paramref name="database"/> with psql and returns its unaligned output (for assertions on what is stored).</summary>
    public Task<string> QueryAsync(string database, string sql)
        => RunAsync(Path.Combine(BinDirectory, "psql"), "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);

    /// <summary>Stops the server: <c>fast</c> ends every session at once (clients see their connections close); <c>immediate</c> is a crash.</summary>
    public async Task StopAsync(string mode = "fast")
    {
        if (IsRunning)
        {
            await AsOwnerAsync("pg_ctl", "-D", DataFolder, "-m", mode, "-w", "stop").ConfigureAwait(false);
            IsRunning = false;
        }
    }

    /// <summary>Starts a stopped server again on the same port.</summary>
    public Task StartAgainAsync() => IsRunning ? Task.CompletedTask : StartServerAsync();

    /// <summary>Stops (fast) and starts it on the same port; returns once it accepts connections.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartServerAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync("immediate").ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private async Task StartServerAsync()
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off");
        await AsOwnerAsync("pg_ctl", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o", options, "start").ConfigureAwait(false);
        IsRunning = true;
    }

    private Task<string> AsOwnerAsync(string tool, params string[] args)
    {
        var path = Path.Combine(BinDirectory, tool);
        return RunningAsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args], LogFile) : RunAsync(path, args, LogFile);
    }

    private static Task<string> RunAsync(string file, params string[] args) => RunAsync(file, args, null);

    private static async Task<string> RunAsync(string file, string[] args, string? logFile)
    {
        var info = new ProcessStartInfo(file);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = ChildProcess.Start(info);
        await process.Exited.WaitAsync(CommandTimeout).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var log = logFile is not null && File.Exists(logFile) ? "\nserver log:\n" + string.Join('\n', File.ReadLines(logFile).TakeLast(30)) : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with code {process.ExitCode}:\n{process.RecentOutput}{log}");
        }

        return process.RecentOutput;
    }
}
