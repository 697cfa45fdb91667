using Npgsql;
using Piazza.Core.Storage;
using Piazza.Storage.Postgres;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The store contract on the test run's PostgreSQL server, a fresh database per test, plus what is specific to PostgreSQL.</summary>
public sealed class PostgresChatStoreTests : ChatStoreContractTests
{
    private readonly string _database = "contract_" + Guid.NewGuid().ToString("N")[..12];
    private PostgresProcess _server = null!;
    private string _connectionString = null!;

    protected override IChatStore OpenStore() => PostgresChatStore.Create(_connectionString);

    public override async Task InitializeAsync()
    {
        _server = await PostgresProcess.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DropDatabaseAsync(_database);
    }

    protected override async Task SetTextAsync(string conversation, long seq, string text)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE messages SET text = @text WHERE conversation = @conversation AND seq = @seq;", connection);
        command.Parameters.AddWithValue("text", text);
        command.Parameters.AddWithValue("conversation", conversation);
        command.Parameters.AddWithValue("seq", seq);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task The_schema_is_at_the_current_version()
    {
        Assert.Equal(PostgresChatStore.SchemaVersion, await ScalarAsync("SELECT max(version) FROM piazza_schema_versions;"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM pg_indexes WHERE indexname = 'messages_by_client_id' AND indexdef LIKE 'CREATE UNIQUE%';"));
    }

    [Fact]
    public async Task Migrations_run_once_when_stores_initialize_together_on_an_empty_database()
    {
        await Store.DisposeAsync();
        await _server.CreateDatabaseAsync(_database);
        PostgresMigration[] v1 = [new(1, "CREATE TABLE runs (step integer NOT NULL); INSERT INTO runs VALUES (1);")];
        PostgresMigration[] v2 = [.. v1, new(2, "INSERT INTO runs VALUES (2); ALTER TABLE runs ADD COLUMN note text;")];
        var options = new PostgresStoreOptions { ConnectionString = _connectionString };

        var stores = Enumerable.Range(0, 4).Select(i => new PostgresChatStore(options, v2)).ToArray();
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));
        await Task.WhenAll(stores.Select(s => s.DisposeAsync().AsTask()));
        await using (var again = new PostgresChatStore(options, v2))
        {
            await again.InitializeAsync();
        }

        Assert.Equal(2, await ScalarAsync("SELECT max(version) FROM piazza_schema_versions;"));
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM piazza_schema_versions;"));
        Assert.Equal("1,2", await ScalarAsync("SELECT string_agg(step::text, ',' ORDER BY step) FROM runs;"));
        Store = OpenStore();
    }

    [Fact]
    public async Task A_failing_migration_changes_nothing()
    {
        await Store.DisposeAsync();
        await _server.CreateDatabaseAsync(_database);
        var options = new PostgresStoreOptions { ConnectionString = _connectionString };
        PostgresMigration[] v1 = [new(1, "CREATE TABLE a (x integer);")];
        PostgresMigration[] broken = [.. v1, new(2, "CREATE TABLE b (x integer); THIS IS NOT SQL;")];
        await using (var store = new PostgresChatStore(options, v1))
        {
            await store.InitializeAsync();
        }

        await using (var store = new PostgresChatStore(options, broken))
        {
            await Assert.ThrowsAsync<PostgresException>(() => store.InitializeAsync());
        }

        Assert.Equal(1, await ScalarAsync("SELECT max(version) FROM piazza_schema_versions;"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'b';"));
        Store = OpenStore();
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused()
    {
        await ScalarAsync("INSERT INTO piazza_schema_versions (version) VALUES (99);");
        await Store.DisposeAsync();
        Store = OpenStore();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.InitializeAsync());
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {PostgresChatStore.SchemaVersion}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await Store.TryCreateRoomAsync(new RoomRecord("lobby", "Lobby", null, null, T0));
        await Assert.ThrowsAsync<PostgresException>(() => Store.AddMemberAsync("lobby", "ghost"));
        await Assert.ThrowsAsync<PostgresException>(() => Store.AddTokenAsync([1], "ghost", T0));
    }

    [Fact]
    public async Task A_batch_postgres_refuses_after_taking_seqs_gives_them_back()
    {
        await Store.AppendAssigningAsync([Message("lobby", 0)]);

        // PostgreSQL text cannot hold U+0000: the insert fails after the counter row was moved on, in the same transaction.
        await Assert.ThrowsAsync<PostgresException>(() => Store.AppendAssigningAsync([Message("lobby", 0, "ok"), Message("lobby", 0, "nul \0 here")]));

        var next = await Store.AppendAssigningAsync([Message("lobby", 0, "after")]);
        Assert.Equal(2, next[0].Message.Seq);
        Assert.Equal([1L, 2L], (await Store.ReadAfterAsync("lobby", 0, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task A_client_id_stored_before_with_caller_chosen_seqs_keeps_its_seq_and_its_first_message()
    {
        await Store.AppendAsync([Message("dev", 1, "first", clientId: "c-1")]);
        await Store.AppendAsync([Message("dev", 2, "again", clientId: "c-1"), Message("dev", 3, "twice", clientId: "c-2"), Message("dev", 4, "twice again", clientId: "c-2")]);

        Assert.Equal([1L, 2L, 3L, 4L], (await Store.ReadAfterAsync("dev", 0, 10)).Select(m => m.Seq));
        Assert.Equal("first", (await Store.FindByClientIdAsync("dev", "alice", "c-1"))!.Text);
        Assert.Equal("twice", (await Store.FindByClientIdAsync("dev", "alice", "c-2"))!.Text);
    }

    [Fact]
    public void A_connection_string_that_is_not_one_is_refused_in_one_line()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresChatStore.Create("Host=127.0.0.1;Bogus Setting=1;Password=secret"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PostgresChatStore.Create("Database=piazza"));
    }

    [Fact]
    public async Task A_database_that_does_not_exist_fails_initialization_in_one_clear_line()
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Database = "no_such_database", Password = "secret" };
        await using var store = PostgresChatStore.Create(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresUnreachableException>(() => store.InitializeAsync());
        Assert.Equal($"PostgreSQL at 127.0.0.1:{_server.Port}/no_such_database cannot be used: database \"no_such_database\" does not exist (SQLSTATE 3D000)", error.Message);
    }

    private static StoredMessage Message(string conversation, long seq, string text = "hi", string? clientId = null) =>
        new(conversation, seq, Guid.NewGuid().ToString("N"), "alice", "alice", null, text, T0.AddSeconds(seq), clientId);
}
