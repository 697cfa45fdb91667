using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using Piazza.Core.Storage;

namespace Piazza.Storage.Postgres;

/// <summary>
/// <see cref="IChatStore"/> on PostgreSQL: the store every node of a cluster shares. One <see cref="NpgsqlDataSource"/>
/// (Npgsql's pool) serves every call; each call takes a pooled connection for one statement or one transaction.
/// While PostgreSQL is down calls fail promptly; once it is back they work again by themselves: the first failure on
/// a dead pooled connection clears the pool, and reads and uncommitted transactions are tried once more on a fresh one.
/// </summary>
public sealed partial class PostgresChatStore : IChatStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private volatile bool _initialized;
    private volatile bool _disposed;

    public PostgresChatStore(PostgresStoreOptions options)
        : this(options, PostgresMigrations.All)
    {
    }

    /// <summary>Takes the migration list so tests can prove how steps are applied.</summary>
    internal PostgresChatStore(PostgresStoreOptions options, IReadOnlyList<PostgresMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException("Migration versions must be 1, 2, 3, … in order.", nameof(migrations));
            }
        }

        var settings = options.Build();
        Endpoint = $"{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}";
        _migrations = migrations;
        _dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }

    /// <summary>The store the server builds from <c>--postgres</c>: not yet initialised (call <see cref="InitializeAsync"/>).</summary>
    public static PostgresChatStore Create(string connectionString) => new(new PostgresStoreOptions { ConnectionString = connectionString });

    /// <summary><c>host:port/database</c>, for logs (never the password).</summary>
    public string Endpoint { get; }

    /// <summary>The schema version this code creates and understands.</summary>
    public static int SchemaVersion => PostgresMigrations.All.Count;

    /// <summary>
    /// Creates or migrates the schema under a transaction-scoped advisory lock, so nodes starting together migrate
    /// once: the others wait for the lock, then find the version applied. Throws
    /// <see cref="PostgresUnreachableException"/> when PostgreSQL cannot be reached or refuses the connection.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            throw new PostgresUnreachableException(UnreachableMessage(e), e);
        }

        await using (connection.ConfigureAwait(false))
        {
            await PostgresSchema.MigrateAsync(connection, _migrations, Endpoint, cancellationToken).ConfigureAwait(false);
        }

        _initialized = true;
    }

    private string UnreachableMessage(Exception e)
    {
        var reason = e switch
        {
            PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
            _ when Find<SocketException>(e) is { } socket => socket.Message,
            _ when Find<TimeoutException>(e) is not null => "no answer before the connect timeout",
            _ => e.Message,
        };
        return PostgresStoreOptions.OneLine($"PostgreSQL at {Endpoint} cannot be used: {reason}");
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Whether a failure means the connection (or the server behind it) is gone, rather than a refused statement.</summary>
    internal static bool IsConnectionFailure(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            throw new InvalidOperationException("Call InitializeAsync before using the store.");
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one piece of work on a pooled connection. A dead connection clears the pool (its other idle connections
    /// died with the same server), and the work is tried once more on a fresh connection when
    /// <paramref name="canRetry"/> says nothing can have been applied: a read, or a transaction that had not begun
    /// to commit. A single write statement or a commit cut off midway is not retried (it may have been applied).
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, Func<bool> canRetry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException e) when (IsConnectionFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                _dataSource.Clear();
                if (attempt > 1 || !canRetry())
                {
                    throw;
                }
            }
        }
    }

    private static readonly Func<bool> Always = () => true;
    private static readonly Func<bool> Never = () => false;

    /// <summary>Runs <paramref name="work"/> in one transaction on one connection and commits it.</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        // Until COMMIT is sent, a connection that dies takes the whole transaction with it: nothing was applied.
        var committing = false;
        return RunAsync(
            async (connection, ct) =>
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await work(connection, transaction, ct).ConfigureAwait(false);
                    committing = true;
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return result;
                }
            },
            () => !committing,
            cancellationToken);
    }

    /// <summary>Runs one statement and answers how many rows it changed.</summary>
    private Task<int> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        RunAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand(sql, connection);
                await using (command.ConfigureAwait(false))
                {
                    bind(command.Parameters);
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            },
            Never,
            cancellationToken);

    /// <summary>Runs one query and maps every row.</summary>
    private Task<List<T>> ReadAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => QueryAsync(connection, null, sql, bind, map, ct), Always, cancellationToken);

    private static async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        Action<NpgsqlParameterCollection> bind,
        Func<NpgsqlDataReader, T> map,
        CancellationToken ct)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            bind(command.Parameters);
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<T>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(map(reader));
                }

                return rows;
            }
        }
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bigint(string name, long value) => new(name, NpgsqlDbType.Bigint) { Value = value };

    private static NpgsqlParameter Integer(string name, int value) => new(name, NpgsqlDbType.Integer) { Value = value };

    private static NpgsqlParameter Boolean(string name, bool value) => new(name, NpgsqlDbType.Boolean) { Value = value };

    private static NpgsqlParameter Bytes(string name, byte[] value) => new(name, NpgsqlDbType.Bytea) { Value = value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? ToUtcMs(v) : DBNull.Value };

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, T[] values) => new(name, NpgsqlDbType.Array | elementType) { Value = values };

    /// <summary>Times are kept to the millisecond, as the SQLite store keeps them, so both answer the same comparisons.</summary>
    private static DateTime ToUtcMs(DateTimeOffset value) => DateTime.UnixEpoch.AddMilliseconds(value.ToUnixTimeMilliseconds());

    private static DateTimeOffset ReadTime(NpgsqlDataReader r, int ordinal) => new(r.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);

    private static DateTimeOffset? ReadNullableTime(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : ReadTime(r, ordinal);

    private static string? GetNullableString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    /// <summary>Closes the pool; calls made afterwards throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
