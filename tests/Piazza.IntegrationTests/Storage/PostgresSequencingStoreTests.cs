using Piazza.Core.Storage;
using Piazza.Storage.Postgres;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The sequencing contract on one PostgreSQL database shared by two store instances (as two nodes).</summary>
public sealed class PostgresSequencingStoreTests : SequencingStoreContractTests
{
    private readonly string _database = "seq_" + Guid.NewGuid().ToString("N")[..12];
    private PostgresProcess? _server;
    private string _connectionString = null!;

    protected override async Task CreateStorageAsync()
    {
        _server ??= await PostgresProcess.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync(_database);
    }

    protected override Task DeleteStorageAsync() => _server!.DropDatabaseAsync(_database);

    protected override IChatStore OpenStore() => PostgresChatStore.Create(_connectionString);
}
