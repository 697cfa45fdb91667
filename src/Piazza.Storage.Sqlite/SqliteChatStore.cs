using System.Globalization;
using Microsoft.Data.Sqlite;
using Piazza.Core;
using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

/// <summary>
/// <see cref="IChatStore"/> on one SQLite file in WAL mode. Every write goes through one dedicated writer connection,
/// one operation at a time; reads use pooled connections of their own, so in WAL they never wait for the writer.
/// </summary>
public sealed partial class SqliteChatStore : IChatStore
{
    private readonly SqliteStoreOptions _options;
    private readonly IReadOnlyList<SqliteMigration> _migrations;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;

    // Serialises writers: SQLite allows one writer per file anyway, and waiting here is cheaper than SQLITE_BUSY.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;
    private bool _disposed;

    public SqliteChatStore(SqliteStoreOptions options)
        : this(options, SqliteMigrations.All)
    {
    }

    /// <summary>Takes the migration list so tests can prove how steps are applied.</summary>
    internal SqliteChatStore(SqliteStoreOptions options, IReadOnlyList<SqliteMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeout, TimeSpan.Zero);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException("Migration versions must be 1, 2, 3, … in order.", nameof(migrations));
            }
        }

        _options = options;
        _migrations = migrations;
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout, in whole seconds.
        var timeoutSeconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        DatabasePath = fullPath;
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version this code creates and understands.</summary>
    public static int SchemaVersion => SqliteMigrations.All.Count;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                _writer = await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            }

            await MigrateAsync(_writer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.CreateFunction("piazza_skeleton", (string name) => NameSkeleton.Of(name), isDeterministic: true);
            var synchronous = _options.SynchronousFull ? "FULL" : "NORMAL";
            var busyMs = ((long)_options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            // PRAGMA values cannot be bound as parameters; both come from code, never from input.
            await ExecuteAsync(
                connection,
                $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyMs};",
                cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both migrate it.
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = Convert.ToInt32(
            await ScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > _migrations.Count)
        {
            throw new InvalidOperationException(
                $"The database '{DatabasePath}' has schema version {current}, but this version of Piazza only knows " +
                $"versions up to {_migrations.Count}. Upgrade Piazza, or point it at another database file.");
        }

        foreach (var migration in _migrations.Skip(current))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken, transaction).ConfigureAwait(false);
            var version = migration.Version.ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, $"PRAGMA user_version={version};", cancellationToken, transaction)
                .ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one write on the writer connection, alone.</summary>
    private async Task<T> WriteAsync<T>(
        Func<SqliteConnection, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");
            return await write(writer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task<int> WriteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, ct) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command.Parameters);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>A pooled read connection; dispose it to return it to the pool.</summary>
    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null)
        {
            throw new InvalidOperationException("Call InitializeAsync before using the store.");
        }

        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one query on a pooled read connection and maps every row.</summary>
    private async Task<List<T>> ReadAsync<T>(
        string sql,
        Action<SqliteParameterCollection> bind,
        Func<SqliteDataReader, T> map,
        CancellationToken cancellationToken)
    {
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection,
        string sql,
        CancellationToken cancellationToken,
        SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private static object OrDbNull(string? value) => value is null ? DBNull.Value : value;

    private static string? GetNullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Waits for a running write, closes the connections and releases the file (pooled handles included).</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            DisposeAppendCommands();
            _writer?.Dispose();
            _writer = null;
            using var pooled = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
