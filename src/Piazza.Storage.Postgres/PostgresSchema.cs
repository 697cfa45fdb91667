using System.Globalization;
using Npgsql;

namespace Piazza.Storage.Postgres;

/// <summary>Applies <see cref="PostgresMigrations"/> once per database, whichever node gets there first.</summary>
internal static class PostgresSchema
{
    /// <summary>Any fixed number: every Piazza node takes the same advisory lock to migrate.</summary>
    private const long MigrationLockKey = 0x5069617A7A61_01; // "Piazza", 1

    public static async Task MigrateAsync(NpgsqlConnection connection, IReadOnlyList<PostgresMigration> migrations, string endpoint, CancellationToken ct)
    {
        var encoding = (string?)await ScalarAsync(connection, null, "SHOW server_encoding;", ct).ConfigureAwait(false);
        if (!string.Equals(encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {endpoint} uses the encoding {encoding}; Piazza needs UTF8 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0).");
        }

        // DDL is transactional in PostgreSQL: a failing step leaves the database as it was. The lock is released at
        // commit; a node waiting on it then reads the version the first one recorded.
        var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ScalarAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey.ToString(CultureInfo.InvariantCulture)});", ct).ConfigureAwait(false);
            await ScalarAsync(
                connection,
                transaction,
                """
                CREATE TABLE IF NOT EXISTS piazza_schema_versions (
                    version    integer     NOT NULL PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """,
                ct).ConfigureAwait(false);
            var current = Convert.ToInt32(
                await ScalarAsync(connection, transaction, "SELECT coalesce(max(version), 0) FROM piazza_schema_versions;", ct).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
            if (current > migrations.Count)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL database {endpoint} has schema version {current}, but this version of Piazza only knows " +
                    $"versions up to {migrations.Count}. Upgrade Piazza, or point it at another database.");
            }

            foreach (var migration in migrations.Skip(current))
            {
                await ScalarAsync(connection, transaction, migration.Sql, ct).ConfigureAwait(false);
                var record = new NpgsqlCommand("INSERT INTO piazza_schema_versions (version) VALUES (@version);", connection, transaction);
                await using (record.ConfigureAwait(false))
                {
                    record.Parameters.AddWithValue("version", migration.Version);
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }
    }
}
