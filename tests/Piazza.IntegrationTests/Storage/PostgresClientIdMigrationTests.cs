using Npgsql;
using Piazza.Core.Storage;
using Piazza.Storage.Postgres;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Storage;

/// <summary>
/// Migration 9 widens PostgreSQL's unique client id index to (account, conversation, client id) on a database that
/// already holds messages with client ids: it must apply, keep every row, and then accept an id in another conversation.
/// </summary>
public sealed class PostgresClientIdMigrationTests : IAsyncLifetime
{
    private readonly string _database = "clientid_" + Guid.NewGuid().ToString("N")[..12];
    private PostgresProcess _server = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresProcess.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync(_database);
    }

    public async Task DisposeAsync() => await _server.DropDatabaseAsync(_database);

    [Fact]
    public async Task Widening_the_client_id_index_keeps_existing_messages_and_then_scopes_ids_per_conversation()
    {
        var options = new PostgresStoreOptions { ConnectionString = _connectionString };
        var before = PostgresMigrations.All.Where(m => m.Version < 9).ToArray();
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using (var old = new PostgresChatStore(options, before))
        {
            await old.InitializeAsync();
            // Raw rows, as the version-8 schema holds them: today's store code writes columns later steps add.
            await ScalarAsync("""
                INSERT INTO messages (conversation, seq, message_id, sender, sender_account, text, ts, client_id) VALUES
                    ('lobby', 1, 'm1', 'alice', 'alice', 'one', '2026-01-01T00:00:00Z', 'c-1'),
                    ('lobby', 2, 'm2', 'bob', 'bob', 'two', '2026-01-01T00:00:00Z', 'c-1'),
                    ('dev', 1, 'm3', 'alice', 'alice', 'three', '2026-01-01T00:00:00Z', 'c-2');
                INSERT INTO conversation_seqs (conversation, last_seq) VALUES ('lobby', 2), ('dev', 1);
                """);
        }

        await using var store = PostgresChatStore.Create(_connectionString);
        await store.InitializeAsync();
        Assert.Equal(PostgresChatStore.SchemaVersion, await ScalarAsync("SELECT max(version) FROM piazza_schema_versions;"));
        Assert.Equal(1L, await ScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'messages_by_client_id' AND indexdef LIKE 'CREATE UNIQUE%(sender_account, conversation, client_id)%';"));
        Assert.Equal(3L, await ScalarAsync("SELECT count(*) FROM messages WHERE client_id IS NOT NULL;"));

        var appended = await store.AppendAssigningAsync([new StoredMessage("dev", 0, "m4", "alice", "alice", null, "again", at, "c-1")]);
        Assert.False(appended[0].Duplicate);
        Assert.Equal("one", (await store.FindByClientIdAsync("lobby", "alice", "c-1"))!.Text);
        Assert.Equal("again", (await store.FindByClientIdAsync("dev", "alice", "c-1"))!.Text);

        // Still unique within a conversation, for a writer that does not look first.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(
            "INSERT INTO messages (conversation, seq, message_id, sender, sender_account, text, ts, client_id) VALUES ('dev', 9, 'm9', 'alice', 'alice', 'x', now(), 'c-1');"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
