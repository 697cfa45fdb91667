using Piazza.Core.Storage;
using Piazza.Storage.Sqlite;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The sequencing contract on one SQLite file shared by two store instances (as two processes would).</summary>
public sealed class SqliteSequencingStoreTests : SequencingStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "piazza-seq-" + Guid.NewGuid().ToString("N"));

    protected override Task CreateStorageAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    protected override Task DeleteStorageAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    protected override IChatStore OpenStore() => new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "piazza.db") });
}
