using Microsoft.Data.Sqlite;
using Piazza.Core.Storage;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The store contract on a real SQLite file in a temp folder, plus what is specific to SQLite.</summary>
public sealed class SqliteChatStoreTests : ChatStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "piazza-store-" + Guid.NewGuid().ToString("N"));

    private string DatabaseFile => Path.Combine(_folder, "nested", "piazza.db");

    protected override IChatStore OpenStore() => new SqliteChatStore(new SqliteStoreOptions { Path = DatabaseFile });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    protected override async Task SetTextAsync(string conversation, long seq, string text)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE messages SET text = $text WHERE conversation = $conversation AND seq = $seq;";
        command.Parameters.AddWithValue("$text", text);
        command.Parameters.AddWithValue("$conversation", conversation);
        command.Parameters.AddWithValue("$seq", seq);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>A connection of the test's own, outside the store and its pool.</summary>
    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabaseFile,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string QueryPlan(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "$conversation", "$seq", "$limit", "$account", "$client_id" })
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, 1);
            }
        }

        using var reader = command.ExecuteReader();
        var details = new List<string>();
        while (reader.Read())
        {
            details.Add(reader.GetString(3));
        }

        return string.Join(" | ", details);
    }

    [Fact]
    public void The_file_and_its_folder_are_created_in_wal_mode_at_the_current_version()
    {
        Assert.True(File.Exists(DatabaseFile));
        using var raw = OpenRaw();
        Assert.Equal((long)SqliteChatStore.SchemaVersion, Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Migrations_run_in_order_and_only_once()
    {
        await Store.DisposeAsync();
        var path = Path.Combine(_folder, "migrations.db");
        SqliteMigration[] v1 = [new(1, "CREATE TABLE runs (step INTEGER NOT NULL); INSERT INTO runs VALUES (1);")];
        SqliteMigration[] v2 = [.. v1, new(2, "INSERT INTO runs VALUES (2); ALTER TABLE runs ADD COLUMN note TEXT;")];

        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, v1))
        {
            await store.InitializeAsync();
            await store.InitializeAsync();
        }

        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, v2))
        {
            await store.InitializeAsync();
        }

        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, v2))
        {
            await store.InitializeAsync();
        }

        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        Assert.Equal(2L, Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal("1,2", Scalar(raw, "SELECT group_concat(step, ',') FROM (SELECT step FROM runs ORDER BY rowid);"));
    }

    [Fact]
    public async Task Upgrading_a_version_1_database_fills_in_the_skeletons_of_existing_names()
    {
        await Store.DisposeAsync();
        var path = Path.Combine(_folder, "v1.db");
        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, [.. SqliteMigrations.All.Take(1)]))
        {
            await store.InitializeAsync();
        }

        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            Scalar(raw, "INSERT INTO accounts VALUES ('paypal', 'PayPal', 'h', 0); INSERT INTO rooms VALUES ('lobby', 'lobby', NULL, NULL, 0);");
        }

        Store = new SqliteChatStore(new SqliteStoreOptions { Path = path });
        await Store.InitializeAsync();
        Assert.Equal("PayPal", await Store.FindConfusableAccountAsync(Piazza.Core.NameSkeleton.Of("pаypa1"), "pаypa1"));
        Assert.Equal("lobby", await Store.FindConfusableRoomAsync(Piazza.Core.NameSkeleton.Of("L0BBY"), "l0bby"));
        Assert.Null(await Store.FindConfusableAccountAsync(Piazza.Core.NameSkeleton.Of("PayPal"), "paypal"));
    }

    [Fact]
    public async Task A_failing_migration_changes_nothing()
    {
        await Store.DisposeAsync();
        var path = Path.Combine(_folder, "failing.db");
        SqliteMigration[] v1 = [new(1, "CREATE TABLE a (x INTEGER);")];
        SqliteMigration[] broken = [.. v1, new(2, "CREATE TABLE b (x INTEGER); THIS IS NOT SQL;")];
        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, v1))
        {
            await store.InitializeAsync();
        }

        await using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = path }, broken))
        {
            await Assert.ThrowsAsync<SqliteException>(() => store.InitializeAsync());
        }

        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        Assert.Equal(1L, Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal(0L, Scalar(raw, "SELECT count(*) FROM sqlite_schema WHERE name = 'b';"));
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused()
    {
        await Store.DisposeAsync();
        using (var raw = OpenRaw())
        {
            Scalar(raw, "PRAGMA user_version = 99;");
        }

        Store = OpenStore();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.InitializeAsync());
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {SqliteChatStore.SchemaVersion}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_closes_every_connection_so_the_wal_is_checkpointed_and_removed()
    {
        await Store.AppendAsync(Range("lobby", 1, 20));
        Assert.Equal(20, (await Store.ReadAfterAsync("lobby", 0, 100)).Count);
        Assert.True(File.Exists(DatabaseFile + "-wal"));

        await Store.DisposeAsync();

        // SQLite deletes the WAL when its last connection closes: a pooled reader left open would keep it.
        Assert.False(File.Exists(DatabaseFile + "-wal"));
        await ReopenAsync();
        Assert.Equal(20, await Store.LastSeqAsync("lobby"));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await Store.TryCreateRoomAsync(new RoomRecord("lobby", "Lobby", null, null, T0));
        await Assert.ThrowsAsync<SqliteException>(() => Store.AddMemberAsync("lobby", "ghost"));
        await Assert.ThrowsAsync<SqliteException>(() => Store.AddTokenAsync([1], "ghost", T0));
    }

    [Fact]
    public async Task A_malformed_private_conversation_id_fails_the_whole_batch()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([Message("lobby", 1), Message("@alice", 1)]));
        Assert.Equal(0, await Store.LastSeqAsync("lobby"));
    }

    [Theory]
    [InlineData(nameof(SqliteChatStore.LastSeqSql), "USING PRIMARY KEY (conversation=?)")]
    [InlineData(nameof(SqliteChatStore.ReadAfterSql), "USING PRIMARY KEY (conversation=? AND seq>?)")]
    [InlineData(nameof(SqliteChatStore.ReadBeforeSql), "USING PRIMARY KEY (conversation=? AND seq<?)")]
    [InlineData(nameof(SqliteChatStore.FindByClientIdSql), "USING INDEX messages_by_client_id")]
    [InlineData(nameof(SqliteChatStore.ConversationsOfSql), "INDEX private_participants_by_activity")]
    [InlineData("FindConfusableAccountSql", "INDEX accounts_by_skeleton")]
    [InlineData("FindConfusableRoomSql", "INDEX rooms_by_skeleton")]
    public void Queries_use_their_index_without_sorting(string query, string expected)
    {
        var sql = (string)typeof(SqliteChatStore)
            .GetField(query, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .GetValue(null)!;
        using var raw = OpenRaw();
        var plan = QueryPlan(raw, sql);
        Assert.Contains(expected, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
